namespace KafkaDemos.Core;

/// <summary>Which of a run's events reach the output. Observers receive every event, whatever is shown.</summary>
public enum Shown
{
    /// <summary>Every event: what `demo produce` and `demo consume` print.</summary>
    All,

    /// <summary>
    /// Every event but the client's own warnings and non-fatal errors, which are counted instead
    /// (<see cref="Reporter.ClientNoticesHidden"/>): a lab that causes timeouts and disconnects on purpose.
    /// </summary>
    AllButClientNotices,

    /// <summary>Only warnings and errors: a run inside a lab or benchmark whose own lines would drown the report.</summary>
    Problems,

    /// <summary>Nothing: the caller reports what the run did from its facts.</summary>
    Nothing,
}

namespace KafkaDemos.Tour;

/// <summary>One chapter of the tour: a course pattern, run live, then checked by reading back what happened.</summary>
public interface ITourChapter
{
    /// <summary>Short name, as in `demo tour --chapter NAME` and the summary table.</summary>
    string Name { get; }

    string Title { get; }

    /// <summary>What the course says about the pattern, in one sentence.</summary>
    string Course { get; }

    Task<ChapterOutcome> RunAsync(TourContext tour);
}

using System.CommandLine;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>What every command's action receives: the parse result, where to report, and Ctrl+C.</summary>
public sealed class DemoContext(ParseResult parse, IOutput output, OutputFormat format, CancellationToken cancellation)
{
    public ParseResult Parse { get; } = parse;

    /// <summary>Where the command reports: the chosen writer (text or JSON), every event shown.</summary>
    public Reporter Output { get; } = new(output);

    public OutputFormat Format { get; } = format;

    /// <summary>Cancelled by Ctrl+C or SIGTERM; demos stop, flush or commit with a bound, and report.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    /// <summary>Loads the configuration from files, environment and the global flags plus <paramref name="flags"/>.</summary>
    public DemoConfiguration LoadConfiguration(params IEnumerable<FlagSetting?> flags) => LoadConfiguration([], flags);

    /// <summary>As above, refusing property values the chosen mode or strategy cannot work with, whatever their source.</summary>
    public DemoConfiguration LoadConfiguration(IReadOnlyList<PropertyConstraint> constraints, params IEnumerable<FlagSetting?> flags)
    {
        var request = new ConfigRequest
        {
            ConfigFiles = Parse.GetValue(GlobalOptions.Config) ?? [],
            BootstrapServers = Parse.GetValue(GlobalOptions.BootstrapServers),
            Properties = Parse.GetValue(GlobalOptions.Property) ?? [],
            Flags = [.. flags.OfType<FlagSetting>(), .. PreflightFlag()],
            Constraints = constraints,
        };
        return ConfigLoader.Load(request);
    }

    private IEnumerable<FlagSetting> PreflightFlag()
    {
        if (Parse.GetValue(GlobalOptions.PreflightTimeout) is not TimeSpan timeout) yield break;
        if (timeout < TimeSpan.FromMilliseconds(1)) throw new UsageException($"--preflight-timeout {timeout.TotalSeconds}s must be at least 1ms");
        yield return new(ConfigSections.Demo, DemoSettings.PreflightTimeoutKey, ((long)timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "--preflight-timeout");
    }

    /// <summary>A flag setting if the option was given on the command line, else null.</summary>
    public FlagSetting? Flag<T>(Option<T> option, string section, string key, Func<T, string>? format = null)
    {
        var result = Parse.GetResult(option);
        if (result is null || result.Implicit) return null;
        T value = Parse.GetValue(option)!;
        return new FlagSetting(section, key, format is null ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : format(value), option.Name);
    }

    /// <summary>
    /// A live region on stderr, redrawn every <paramref name="every"/> (see <see cref="TextOutput.ShowLive"/>);
    /// null where none can be shown (JSON output, stderr not a terminal, or records on the terminal
    /// that the region would tear, unless <paramref name="noDataMeanwhile"/>): print status lines then.
    /// </summary>
    public IDisposable? ShowLive(Func<string> render, TimeSpan every, bool noDataMeanwhile = false) =>
        CanShowLive(noDataMeanwhile) ? ((TextOutput)output).ShowLive(render, every) : null;

    /// <summary>Whether <see cref="ShowLive"/> would show a region.</summary>
    public bool CanShowLive(bool noDataMeanwhile = false) =>
        output is TextOutput && !Console.IsErrorRedirected && (noDataMeanwhile || TextOutput.CanShowLive);

    /// <summary>
    /// A picture that is the command's data (the group watch's view), redrawn in place on a terminal
    /// stdout and left on the screen at the end; null when stdout is not a terminal or the output is
    /// JSON: print one picture per refresh then.
    /// </summary>
    public IDisposable? ShowLiveView(Func<string> render, TimeSpan every) =>
        output is TextOutput text && !Console.IsOutputRedirected ? text.ShowLive(render, every, onStdout: true, keepLast: true) : null;

    public void Info(string message) => Output.Emit(new InfoEvent(message));
}

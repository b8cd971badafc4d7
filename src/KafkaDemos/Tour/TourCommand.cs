using System.CommandLine;
using System.Diagnostics;
using KafkaDemos.Cli;
using KafkaDemos.Core;
using KafkaDemos.Broker;

namespace KafkaDemos.Tour;

/// <summary>`demo tour`: every pattern of the course, live and checked, in one command.</summary>
public static class TourCommand
{
    public static Command Create()
    {
        var embedded = new Option<bool>("--embedded") { Description = "Use the embedded broker even if the configured one answers" };
        var only = new Option<string[]>("--chapter")
        {
            Description = "Run only these chapters (repeatable), e.g. --chapter async --chapter rebalance",
            HelpName = "NAME",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("tour", $"""
            Run every pattern of the course, live, and prove each one worked.
            Each chapter says what the course says about the pattern, shows the demo's live output
            (trimmed), then checks the outcome by reading back what really happened: delivered counts,
            what each consumer read, what was committed, that a restart resumes where it should.
            Ends with a summary table; exits 0 only if every check passed.
            Uses the configured broker if it answers, otherwise (or with --embedded) starts the embedded
            broker in this process on free ports.
            Chapters: {string.Join(", ", TourChapters.All().Select(c => c.Name))}.

            Examples:
              demo tour
              demo tour --embedded -o json
              demo tour --chapter sync --chapter rebalance
            """) { embedded, only };
        command.SetDemoAction(async ctx =>
        {
            var chapters = TourChapters.All();
            var wanted = ctx.Get(only) ?? [];
            var unknown = wanted.Except(chapters.Select(c => c.Name)).ToList();
            if (unknown.Count > 0)
                throw new UsageException($"--chapter '{unknown[0]}' is not one of {string.Join(", ", chapters.Select(c => c.Name))}");
            if (wanted.Length > 0) chapters = chapters.Where(c => wanted.Contains(c.Name)).ToList();

            var clock = Stopwatch.StartNew();
            var config = ctx.LoadConfiguration();
            await using var broker = await LabBroker.AcquireAsync(config, ctx.Get(embedded), ctx.Output);
            ctx.Info($"The tour runs on {broker.Description}.");
            var tour = new TourContext(config, broker, ctx.Output, ctx.Format == OutputFormat.Text, ctx.Cancellation);

            var outcomes = await GuidedTour.RunAsync(chapters, tour);

            ctx.Output.Emit(GuidedTour.SummaryTable(outcomes));
            int passed = outcomes.Count(o => o.Passed);
            bool complete = outcomes.Count == chapters.Count;
            ctx.Output.Emit(new SummaryEvent("tour",
            [
                new("chapters", chapters.Count),
                new("passed", passed),
                new("failed", outcomes.Count - passed),
                new("not_run", chapters.Count - outcomes.Count),
                new("elapsed_s", Math.Round(clock.Elapsed.TotalSeconds, 1)),
                new("broker", broker.Embedded is null ? "configured" : "embedded"),
            ]));
            bool ok = complete && passed == outcomes.Count;
            ctx.Info(ok ? "Every check passed." : "Some checks failed: see the chapters marked FAIL above.");
            return ok ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}

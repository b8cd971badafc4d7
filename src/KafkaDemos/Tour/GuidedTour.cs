using System.Diagnostics;
using KafkaDemos.Core;

namespace KafkaDemos.Tour;

/// <summary>Runs chapters one after another and reports each one's outcome and the table at the end.</summary>
public static class GuidedTour
{
    public static async Task<IReadOnlyList<ChapterOutcome>> RunAsync(IReadOnlyList<ITourChapter> chapters, TourContext tour)
    {
        var outcomes = new List<ChapterOutcome>();
        for (int i = 0; i < chapters.Count && !tour.Cancellation.IsCancellationRequested; i++)
        {
            var chapter = chapters[i];
            tour.Output.Emit(new ChapterStartedEvent(i + 1, chapters.Count, chapter.Title, chapter.Course));
            var clock = Stopwatch.StartNew();
            ChapterOutcome outcome;
            try
            {
                outcome = await chapter.RunAsync(tour);
            }
            catch (Exception e) when (e is not OperationCanceledException || !tour.Cancellation.IsCancellationRequested)
            {
                // One broken chapter fails the tour but does not hide what the others show.
                var failed = tour.Check(chapter.Name, "the chapter ran to the end", false, $"{e.GetType().Name}: {e.Message}");
                outcome = new ChapterOutcome(chapter.Title, 0, null, null, null, null, "-", clock.Elapsed, [failed]);
            }
            tour.Output.Emit(new ChapterResultEvent(outcome));
            outcomes.Add(outcome);
        }
        return outcomes;
    }

    public static TableEvent SummaryTable(IReadOnlyList<ChapterOutcome> outcomes) => new(
        "Tour summary",
        ["Chapter", "Messages", "Delivered", "Consumed", "Duplicates", "Lost", "Committed", "Time", "Verdict"],
        outcomes.Select(o => (IReadOnlyList<object?>)
        [
            o.Chapter, o.Messages, o.Delivered, o.Consumed, o.Duplicates, o.Lost, o.Committed,
            $"{o.Elapsed.TotalSeconds:0.0} s", o.Passed ? "pass" : "FAIL",
        ]).ToList());
}

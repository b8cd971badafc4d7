using System.Collections;
using System.Reflection;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>The `-o json` contract: every event the JSON writer writes, the one reader reads back into its type.</summary>
public sealed class EventJsonTests
{
    public static TheoryData<string> RegisteredNames() => [.. EventJson.Registry.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(RegisteredNames))]
    public void Every_registered_event_reads_back_into_its_type_with_every_field(string name)
    {
        var type = EventJson.Registry[name];
        var sample = (DemoEvent)Sample(type);
        string line = Write(sample);

        var read = EventJson.Parse(line);

        Assert.IsType(type, read);
        Assert.Equal(line, Write(read!));
    }

    /// <summary>The control: a field the reader does not bind shows up as a difference in the same comparison.</summary>
    [Fact]
    public void A_field_lost_on_the_way_back_is_detected()
    {
        string line = Write(new InfoEvent("hello"));
        string broken = line.Replace("\"message\"", "\"messag\"", StringComparison.Ordinal);

        Assert.NotEqual(line, Write(EventJson.Parse(broken)!));
    }

    [Fact]
    public void The_registry_holds_every_public_event_type_under_one_name_each()
    {
        var events = typeof(DemoEvent).Assembly.GetTypes()
            .Where(t => (t.IsPublic || t.IsNestedPublic) && !t.IsAbstract && typeof(DemoEvent).IsAssignableFrom(t) && t != typeof(UnknownEvent));

        Assert.Equal(events.OrderBy(t => t.FullName), EventJson.Registry.Values.OrderBy(t => t.FullName));
        Assert.Equal("skipped", Name(typeof(SkippedEvent)));
        Assert.Equal("record_skipped", Name(typeof(RecordSkippedEvent)));
    }

    /// <summary>The control: an event the registry does not hold (group_view is text-only and private) is not read as a typed event.</summary>
    [Fact]
    public void An_unknown_event_name_reads_as_an_unknown_event_not_an_exception()
    {
        var read = EventJson.Parse("""{"event":"group_view","rows":1}""");

        var unknown = Assert.IsType<UnknownEvent>(read);
        Assert.Equal("group_view", unknown.EventName);
        Assert.Equal(1, unknown.Json.GetProperty("rows").GetInt32());
        Assert.IsType<InfoEvent>(EventJson.Parse("""{"event":"info","message":"m"}"""));
    }

    [Theory]
    [InlineData("""{"event":"assigned","partitions":[3]}""")]
    [InlineData("""{"event":"assigned","partitions":["no-number-x"]}""")]
    [InlineData("""{"event":"info","message":""")]
    [InlineData("not json at all")]
    public void A_broken_line_is_reported_not_thrown(string line)
    {
        Assert.False(EventJson.TryParse(line, out var e, out string? error));
        Assert.Null(e);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Partitions_keep_the_course_form_and_read_back_typed()
    {
        var assigned = new AssignedEvent([new TopicPartition("lab.soak-1a2b", 3), new TopicPartition("t", 0)]) { Member = "A" };
        string line = Write(assigned);

        Assert.Contains("\"partitions\":[\"lab.soak-1a2b-3\",\"t-0\"]", line, StringComparison.Ordinal);
        var read = Assert.IsType<AssignedEvent>(EventJson.Parse(line));
        Assert.Equal([new TopicPartition("lab.soak-1a2b", 3), new TopicPartition("t", 0)], read.Partitions);
        Assert.Equal("A", read.Member);
    }

    /// <summary>The control: a name with no partition number after its last dash is refused.</summary>
    [Theory]
    [InlineData("topic")]
    [InlineData("topic-")]
    [InlineData("-3")]
    [InlineData("topic-x")]
    public void A_name_that_is_no_partition_is_refused(string text) => Assert.Null(TopicPartitionJsonConverter.Parse(text));

    [Theory]
    [MemberData(nameof(RegisteredNames))]
    public void Every_registered_event_is_documented(string name) => Assert.True(Documents(EventsPage(), name), $"docs/events.md has no row for `{name}`");

    /// <summary>The control: the same look-up finds no row for a name the page does not have.</summary>
    [Fact]
    public void A_name_missing_from_the_page_is_detected() => Assert.False(Documents(EventsPage(), "no_such_event"));

    private static bool Documents(string page, string name) => page.Contains($"| `{name}` |", StringComparison.Ordinal);

    private static string EventsPage() =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(ReadmeCommandTests.ReadmePath())!, "docs", "events.md"));

    private static string Name(Type type) => EventJson.Registry.Single(r => r.Value == type).Key;

    private static string Write(DemoEvent e)
    {
        var stream = new MemoryStream();
        var output = new JsonOutput(stream);
        output.Emit(e);
        output.Flush();
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).TrimEnd('\n');
    }

    /// <summary>A value of every field, none of them default, so a field the reader drops cannot hide.</summary>
    private static object Sample(Type type)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null) return Sample(nullable);
        if (type == typeof(string)) return "text-1";
        if (type == typeof(int)) return 3;
        if (type == typeof(long)) return 5L;
        if (type == typeof(double)) return 1.5;
        if (type == typeof(bool)) return true;
        if (type == typeof(DateTime)) return new DateTime(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);
        if (type == typeof(TimeSpan)) return TimeSpan.FromSeconds(2);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(1)!;
        if (type == typeof(TopicPartition)) return new TopicPartition("topic-a", 2);
        if (type == typeof(object)) return 7L;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
            return Activator.CreateInstance(type, "count", Sample(type.GetGenericArguments()[1]))!;
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(IReadOnlyDictionary<,>) || g == typeof(IDictionary<,>) || g == typeof(Dictionary<,>)))
        {
            var args = type.GetGenericArguments();
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
            dictionary.Add(Sample(args[0]), Sample(args[1]));
            return dictionary;
        }
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type.GetGenericArguments()[0]))!;
            list.Add(Sample(type.GetGenericArguments()[0]));
            return list;
        }
        var ctor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .Where(c => c.GetParameters().All(p => p.ParameterType != type))
            .OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke(ctor.GetParameters().Select(p => Sample(p.ParameterType)).ToArray());
    }
}

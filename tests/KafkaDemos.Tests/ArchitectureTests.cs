using System.Reflection;
using System.Text.RegularExpressions;
using KafkaDemos.Core;
using NetArchTest.Rules;

namespace KafkaDemos.Tests;

/// <summary>
/// The layering of the demo assembly's namespaces ("rooms"), top to bottom: a room may use only the rooms below it.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Demo = typeof(IOutput).Assembly;

    /// <summary>Top to bottom. The root room is the command tree and host (and the top-level Program).</summary>
    private static readonly string[] Rooms =
    [
        "KafkaDemos",
        "KafkaDemos.Tour",
        "KafkaDemos.Bench",
        "KafkaDemos.Labs",
        "KafkaDemos.Sink",
        "KafkaDemos.Consumers",
        "KafkaDemos.Producers",
        "KafkaDemos.Broker",
        "KafkaDemos.Admin",
        "KafkaDemos.Web",
        "KafkaDemos.Cli",
        "KafkaDemos.Configuration",
        "KafkaDemos.Native",
        "KafkaDemos.Core",
    ];

    public static TheoryData<string> RoomNames() => [.. Rooms];

    [Theory]
    [MemberData(nameof(RoomNames))]
    public void A_room_uses_no_room_above_it(string room)
    {
        string[] above = Rooms[..Array.IndexOf(Rooms, room)];

        var offenders = Violations(Demo, room, above);

        Assert.True(offenders.Count == 0,
            $"{room} may use only the rooms below it, but these of its types use a room above it ({string.Join(", ", above)}):\n  " +
            string.Join("\n  ", offenders));
    }

    [Fact]
    public void Core_depends_on_no_other_room()
    {
        var offenders = Violations(Demo, "KafkaDemos.Core", Rooms.Where(r => r != "KafkaDemos.Core").ToArray());

        Assert.True(offenders.Count == 0, "Core depends on no other KafkaDemos namespace, but these of its types do:\n  " + string.Join("\n  ", offenders));
    }

    [Fact]
    public void The_output_port_has_two_writers()
    {
        Assert.Equal(["KafkaDemos.Core.JsonOutput", "KafkaDemos.Core.TextOutput"], OutputImplementations(Demo));
    }

    [Fact]
    public void The_layering_check_finds_a_dependency_pointing_up()
    {
        // Producers use Core (ProducerReport reports events); with the two swapped, Core sits on top and that arrow points up.
        Assert.NotEmpty(Violations(Demo, "KafkaDemos.Producers", ["KafkaDemos.Core"]));
        Assert.Contains("KafkaDemos.Producers.ProducerReport", Violations(Demo, "KafkaDemos.Producers", ["KafkaDemos.Core"]));
        // The same with the root room below Cli: CliHost builds on Cli.
        Assert.Contains("KafkaDemos.CliHost", Violations(Demo, "KafkaDemos", ["KafkaDemos.Cli"]));
    }

    [Fact]
    public void The_layering_check_tells_the_Cli_room_from_the_root_CliHost()
    {
        // CliHost is in the root room; its name must not make it a member of, or a dependency on, the Cli room.
        Assert.DoesNotContain("KafkaDemos.CliHost", TypesOf(Demo, "KafkaDemos.Cli").Select(t => t.FullName));
        Assert.Contains("KafkaDemos.CliHost", TypesOf(Demo, "KafkaDemos").Select(t => t.FullName));
    }

    [Fact]
    public void The_writer_count_check_finds_a_third_writer()
    {
        // Tests may write outputs of their own to test against; the check counts whatever it is given.
        Assert.Contains(typeof(ThirdOutput).FullName!, OutputImplementations(typeof(ArchitectureTests).Assembly));
        Assert.NotEqual(2, Types.InAssemblies([Demo, typeof(ArchitectureTests).Assembly])
            .That().ImplementInterface(typeof(IOutput)).And().AreClasses().GetTypes().Count());
    }

    private static List<string> OutputImplementations(Assembly assembly) =>
        [.. Types.InAssembly(assembly).That().ImplementInterface(typeof(IOutput)).And().AreClasses()
            .GetTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal)];

    /// <summary>The types of <paramref name="room"/> that depend on any of <paramref name="forbidden"/>.</summary>
    private static List<string> Violations(Assembly assembly, string room, string[] forbidden)
    {
        string[] targets = [.. forbidden.SelectMany(r => Targets(assembly, r))];
        if (targets.Length == 0) return [];
        var result = Types.InAssembly(assembly).That().ResideInNamespaceMatching(RoomPattern(room))
            .ShouldNot().HaveDependencyOnAny(targets).GetResult();
        return result.IsSuccessful ? [] : [.. result.FailingTypeNames.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// What "depends on this room" matches: the room's namespace, or, for the root room (whose namespace is the
    /// prefix of every other), its own types by name.
    /// </summary>
    private static IEnumerable<string> Targets(Assembly assembly, string room) =>
        room == Rooms[0] ? TypesOf(assembly, room).Where(t => !t.IsNested).Select(t => t.FullName!) : [room];

    private static IEnumerable<Type> TypesOf(Assembly assembly, string room) =>
        assembly.GetTypes().Where(t => !t.Name.StartsWith('<') && Regex.IsMatch(t.Namespace ?? "", RoomPattern(room)));

    /// <summary>The room's namespace and those under it; the root room is only its own namespace and the global one (Program).</summary>
    private static string RoomPattern(string room) =>
        room == Rooms[0] ? $"^({Regex.Escape(room)})?$" : $"^{Regex.Escape(room)}(\\..+)?$";

    private sealed class ThirdOutput : IOutput
    {
        public void Emit(DemoEvent e) { }

        public void Flush() { }
    }
}

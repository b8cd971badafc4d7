using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KafkaDemos.Core;

/// <summary>
/// The one reader of the `-o json` contract: a line back into the typed event that wrote it.
/// Every public concrete DemoEvent in this assembly is a derived type of DemoEvent's polymorphic
/// contract, discriminated by "event"; they are found by reflection at first use, so events of
/// labs, tour, bench and broker register themselves without Core naming them.
/// </summary>
public static class EventJson
{
    private static readonly Lazy<FrozenDictionary<string, Type>> s_registry = new(Discover);
    private static readonly Lazy<JsonSerializerOptions> s_options = new(ReadOptions);

    /// <summary>Every registered event name and its type.</summary>
    public static IReadOnlyDictionary<string, Type> Registry => s_registry.Value;

    /// <summary>The typed event of a JSON line; <see cref="UnknownEvent"/> for an event name not registered; null when the line is no event.</summary>
    /// <exception cref="JsonException">A registered event whose fields do not fit its type.</exception>
    public static DemoEvent? Parse(string line)
    {
        if (!line.StartsWith('{')) return null;
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (!root.TryGetProperty("event", out var name) || name.ValueKind != JsonValueKind.String) return null;
        return Registry.ContainsKey(name.GetString()!)
            ? root.Deserialize<DemoEvent>(s_options.Value)
            : new UnknownEvent(name.GetString()!, root.Clone());
    }

    /// <summary>
    /// Builds the registry and every event's contract now, so the first lines read are not held up by
    /// it (a lab that times a kill by what its child printed must see those lines as they come).
    /// </summary>
    public static void Prepare()
    {
        foreach (var type in Registry.Values.Prepend(typeof(DemoEvent))) s_options.Value.GetTypeInfo(type);
    }

    /// <summary>As <see cref="Parse"/>, with a line that is no event or does not fit its type reported as false, with why.</summary>
    public static bool TryParse(string line, out DemoEvent? e, out string? error)
    {
        try
        {
            e = Parse(line);
            error = e is null ? "not a JSON event line" : null;
            return e is not null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            (e, error) = (null, ex.Message);
            return false;
        }
    }

    private static JsonSerializerOptions ReadOptions() => new(JsonOutput.Options)
    {
        // Scripts may reorder fields (jq); "event" need not come first.
        AllowOutOfOrderMetadataProperties = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Polymorphic } },
    };

    private static void Polymorphic(JsonTypeInfo info)
    {
        if (info.Type == typeof(DemoEvent))
        {
            info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "event" };
            foreach (var (name, type) in s_registry.Value) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, name));
        }
        else if (typeof(DemoEvent).IsAssignableFrom(info.Type) && info.Kind == JsonTypeInfoKind.Object)
        {
            // The discriminator is the "event" field itself: the ctor sets Name, the reader must not bind it twice.
            var name = info.Properties.FirstOrDefault(p => p.Name == "event");
            if (name is not null) info.Properties.Remove(name);
        }
    }

    /// <summary>
    /// Each event type's name is the literal its constructor passes to DemoEvent, so a type is
    /// constructed once with default arguments to learn it. Two types under one name are a bug.
    /// </summary>
    private static FrozenDictionary<string, Type> Discover()
    {
        var found = new Dictionary<string, Type>();
        var types = typeof(DemoEvent).Assembly.GetTypes()
            .Where(t => t.IsPublic || t.IsNestedPublic)
            .Where(t => !t.IsAbstract && typeof(DemoEvent).IsAssignableFrom(t) && t != typeof(UnknownEvent));
        foreach (var type in types)
        {
            var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            var args = ctor.GetParameters().Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
            string name = ((DemoEvent)ctor.Invoke(args)).Name;
            if (!found.TryAdd(name, type))
                throw new InvalidOperationException($"two event types write \"event\":\"{name}\": {found[name].Name} and {type.Name}");
        }
        return found.ToFrozenDictionary();
    }
}

/// <summary>An event this build does not know (a newer demo, a typo): kept whole, never thrown on.</summary>
public sealed record UnknownEvent([property: JsonIgnore] string EventName, [property: JsonIgnore] JsonElement Json) : DemoEvent(EventName)
{
    public override string? ToText() => null;
}

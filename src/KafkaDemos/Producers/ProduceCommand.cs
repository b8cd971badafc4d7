using System.CommandLine;
using KafkaDemos.Admin;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>`demo produce --mode ...`: the course's producer examples, one mode each.</summary>
public static class ProduceCommand
{
    private static readonly Option<string> Mode = new("--mode", "-m")
    {
        Description = "fire-and-forget | sync | async | idempotent | json (see above)",
        HelpName = "MODE",
        DefaultValueFactory = _ => "async",
    };

    private static readonly Option<string?> Topic = new("--topic", "-t") { Description = "Topic to send to (default: Demo.Topic, ak03.fourpartition)", HelpName = "NAME" };
    private static readonly Option<int?> Count = new("--count", "-n") { Description = "Messages to send (default: Demo.Count, 10); with --stdin the most lines to send", HelpName = "N" };
    private static readonly Option<TimeSpan> Interval = DurationOption.Create("--interval", "Pause between messages, e.g. 3s or 500ms (the course sleeps 3 s to watch consumer groups; default 0)");
    private static readonly Option<string?> Key = new("--key", "-k") { Description = $"Keys: {KeySpec.Syntax} (default sequential, the course's key=str(i); with --stdin none)", HelpName = "SPEC" };
    private static readonly Option<string?> Value = new("--value") { Description = "Value template, {n} is the message number (default msg_{n}; json mode: a JSON document such as '{\"num\": {n}}')", HelpName = "TEMPLATE" };
    private static readonly Option<JsonRecordKind> Record = new("--record") { Description = "json mode's record: num ({\"num\": n}) or task (the course's task record)", HelpName = "num|task" };
    private static readonly Option<int?> Size = new("--size") { Description = "Pad generated values to this many characters", HelpName = "CHARS" };
    private static readonly Option<int?> Partition = new("--partition", "-p") { Description = "Send every message to this partition (default: chosen by key)", HelpName = "P" };
    private static readonly Option<string?> Acks = new("--acks") { Description = "0: no reply; 1: the leader wrote it; all: every in-sync replica has it (sets acks)", HelpName = "0|1|all" };
    private static readonly Option<string[]> Header = new("--header", "-H")
    {
        Description = "Header on every message, repeatable; {n} in the value is the message number",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };
    private static readonly Option<bool> Stdin = new("--stdin") { Description = "Send one message per input line until end of input (like kafka-console-producer / kcat -P); lines are sent byte for byte as UTF-8 (a line that is not valid UTF-8 stops the run with exit 2, naming it); empty lines are skipped and counted in the summary" };
    private static readonly Option<string?> KeySeparator = new("--key-separator") { Description = "With --stdin: split each line into KEY<SEP>VALUE; a line without it is an error (exit 2)", HelpName = "SEP" };
    private static readonly Option<bool> NullValue = new("--null-value") { Description = "Send a null value (a tombstone: on a compacted topic it deletes its key), like kcat -Z with an empty value" };
    private static readonly Option<bool> NullKey = new("--null-key") { Description = "Send a null key (the same as --key none): the partitioner spreads the messages" };
    private static readonly Option<InputFormat> InputFormatOption = new("--input-format")
    {
        Description = "With --stdin: text (each line is a value) or json (each line an object: {\"key\": \"k\", \"value\": null, \"headers\": {\"h\": \"v\"}}; a `consumed` event of `demo consume -o json` is one)",
        HelpName = "text|json",
    };

    static ProduceCommand()
    {
        Mode.AcceptOnlyFromAmong([.. ProducerDemos.Modes.Keys]);
        // Values are checked by the configuration loader (ModeConstraints), as -X acks and the environment are.
        Acks.CompletionSources.Add("0", "1", "all");
        Topic.AcceptsTopicNames();
    }

    public static Command Create()
    {
        var command = new Command("produce", $$"""
            Send messages the ways the course shows (its Producer_0x examples), one mode at a time:

            {{ProducerDemos.Modes.HelpText()}}

            Every message gets an answer within message.timeout.ms (default 10 s, -X message.timeout.ms=...):
            if the broker goes away each failure is reported. Ctrl+C stops sending, flushes with a bound and
            reports what was not delivered (a second Ctrl+C quits at once and says how many were abandoned).
            Every message's line is printed, in text and JSON (-o json: sent for fire-and-forget, delivered,
            delivery_failed, queue_full, summary); a value longer than 1,000 characters is shortened in the
            output and its real length shown (JSON: value_shortened, value_length).

            {{ExitCodes.HelpText}}
            Exit 1 here: a message failed or was not delivered, or a fatal client error.

            Examples:
              demo produce                                   # async, 10 messages to ak03.fourpartition
              demo produce --mode sync -n 5
              demo produce --mode fire-and-forget -n 100000 --size 100
              demo produce -n 1000 --interval 3s             # one message every 3 s (the course's Producer_05_CGroup)
              demo produce --mode idempotent -n 1000
              demo produce --mode json --record task
              demo produce --mode json --value '{"id": {n}, "item": "book"}' --key 'user-{n%4}'
              demo produce --acks 0 --header source=demo --partition 2
              demo produce -n 3 --key 'user-{n}' --null-value    # tombstones for user-0, user-1, user-2
              printf 'k1:hello\nk2:world\n' | demo produce --stdin --key-separator :
              echo '{"key": "user-1", "value": null, "headers": {"by": "me"} }' | demo produce --stdin --input-format json
              demo produce -o json -n 3 | jq .
            """)
        {
            Mode, Topic, Count, Interval, Key, Value, Record, Size, Partition, Acks, Header, Stdin, KeySeparator, NullValue, NullKey, InputFormatOption,
        };
        command.SetDemoAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(DemoContext ctx)
    {
        if (ctx.Get(Count) is int n && n < 0) throw new UsageException($"--count {n} must be 0 or more");
        var config = ctx.LoadConfiguration(ProducerDemos.Modes.Entry(ctx.Get(Mode)!).Constraints,
            ctx.Flag(Topic, ConfigSections.Demo, DemoSettings.TopicKey),
            ctx.Flag(Count, ConfigSections.Demo, DemoSettings.CountKey),
            ctx.Flag(Acks, ConfigSections.Producer, "acks"));
        var demo = ProducerDemos.Modes.Entry(ctx.Get(Mode)!);
        var options = Options(ctx, config);
        options.Check(demo.Name);
        var producerConfig = config.ProducerConfig();
        options = options with { FlushTimeout = ProduceOptions.FlushTimeoutFor(producerConfig) };

        var metadata = BrokerPreflight.Check(config);
        var topic = metadata.Topics.FirstOrDefault(t => t.Topic == options.Topic && t.Partitions.Count > 0);
        if (options.Partition is int p && topic is not null && p >= topic.Partitions.Count)
            throw new UsageException($"--partition {p}: topic '{options.Topic}' has partitions 0..{topic.Partitions.Count - 1}");

        using var progress = ProgressLine.StartIfUseful(ctx);
        var result = await demo.Run(producerConfig, options, progress?.Reporter ?? ctx.Output, ctx.Cancellation);
        return result.ExitCode;
    }

    private static ProduceOptions Options(DemoContext ctx, DemoConfiguration config)
    {
        bool stdin = ctx.Get(Stdin);
        string? separator = ctx.Get(KeySeparator);
        if (separator is not null && !stdin) throw new UsageException("--key-separator applies to --stdin lines; add --stdin");
        if (separator is "") throw new UsageException("--key-separator must not be empty");
        if (stdin && ctx.Get(Value) is not null) throw new UsageException("--value and --stdin both give the values; use one");
        string? key = ctx.Get(Key);
        if (stdin && separator is not null && key is not null) throw new UsageException($"--key '{key}' and --key-separator both give the keys; use one");
        bool nullKey = ctx.Get(NullKey);
        if (nullKey && key is not null) throw new UsageException($"--null-key and --key '{key}' both give the keys; use one");
        if (nullKey && separator is not null) throw new UsageException($"--null-key and --key-separator '{separator}' both give the keys; use one");

        return new ProduceOptions
        {
            Topic = config.Demo.Topic,
            // With --stdin the input decides how many, unless --count limits it.
            Count = stdin && ctx.Get(Count) is null ? int.MaxValue : config.Demo.Count,
            Interval = ctx.Get(Interval),
            Key = key is not null ? KeySpec.Parse(key) : stdin || nullKey ? KeySpec.None : KeySpec.Sequential,
            Value = ctx.Get(Value),
            NullValue = ctx.Get(NullValue),
            Size = ctx.Get(Size),
            Partition = ctx.Get(Partition),
            Headers = (ctx.Get(Header) ?? []).Select(ParseHeader).ToList(),
            Input = stdin ? new InputLines(Console.OpenStandardInput()) : null,
            KeySeparator = separator,
            InputFormat = ctx.Get(InputFormatOption),
            Record = ctx.Get(Record),
        };
    }

    private static KeyValuePair<string, string> ParseHeader(string text)
    {
        int at = text.IndexOf('=', StringComparison.Ordinal);
        if (at < 0) throw new UsageException($"--header '{text}' is not KEY=VALUE (no '='; KEY= gives an empty value)");
        if (at == 0) throw new UsageException($"--header '{text}' has no key before '=' (KEY=VALUE)");
        return new(text[..at], Template.Check(text[(at + 1)..], "--header"));
    }
}

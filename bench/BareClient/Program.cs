// The bare Confluent.Kafka loops bench/Compare measures the demos against: what the
// client costs with nothing of the project around it. Each loop is the shortest correct program
// of its kind; the record format is the demos' (key = record number, value msg_<n> padded with
// dots to --size bytes), and the client settings come as -X key=value like the demos'.
//
//   bare-client produce-fire-and-forget|produce-async|consume -b HOST:PORT -t TOPIC -n COUNT [--size N] [-X k=v ...]
//
// Prints one line, "records=N elapsed_s=S msg_per_s=R cpu_us_per_msg=C failed=F", timed from the
// first produce (or the assignment) to the last delivery report (or record).
using System.Diagnostics;
using Confluent.Kafka;

if (args.Length < 1) return Usage("no loop named");
string loop = args[0], bootstrap = "localhost:9092", topic = "bare";
long count = 1_000_000;
int size = 100;
var properties = new Dictionary<string, string>();
for (int i = 1; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "-b": bootstrap = Next(); break;
        case "-t": topic = Next(); break;
        case "-n": count = long.Parse(Next()); break;
        case "--size": size = int.Parse(Next()); break;
        case "-X":
            var pair = Next().Split('=', 2);
            properties[pair[0]] = pair.Length == 2 ? pair[1] : throw new ArgumentException($"-X {pair[0]} needs KEY=VALUE");
            break;
        default: return Usage($"unknown argument {args[i]}");
    }
}
properties["bootstrap.servers"] = bootstrap;

TimeSpan cpuAtStart = Environment.CpuUsage.TotalTime;
var clock = new Stopwatch();
long done = 0, failed = 0;
switch (loop)
{
    case "produce-fire-and-forget":
    case "produce-async":
    {
        bool callback = loop == "produce-async";
        var config = new ProducerConfig(properties) { EnableDeliveryReports = callback };
        if (callback) config.DeliveryReportFields = "status";
        using var producer = new ProducerBuilder<string, string>(config).Build();
        Action<DeliveryReport<string, string>> handler = report =>
        {
            if (report.Error.IsError) Interlocked.Increment(ref failed);
            else Interlocked.Increment(ref done);
        };
        clock.Start();
        for (long n = 0; n < count; n++)
        {
            var message = new Message<string, string> { Key = n.ToString(), Value = Value(n, size) };
            while (true)
            {
                try
                {
                    if (callback) producer.Produce(topic, message, handler);
                    else producer.Produce(topic, message);
                    break;
                }
                catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(5));
                }
            }
        }
        int left = producer.Flush(TimeSpan.FromSeconds(60));
        clock.Stop();
        if (!callback) done = count - left;
        break;
    }
    case "consume":
    {
        var config = new ConsumerConfig(properties)
        {
            GroupId = $"bare-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        clock.Start();
        consumer.Assign(partitions);
        var idle = Stopwatch.StartNew();
        while (done < count && idle.Elapsed < TimeSpan.FromSeconds(10))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null) continue;
            done++;
            idle.Restart();
        }
        clock.Stop();
        failed = count - done;
        consumer.Close();
        break;
    }
    default:
        return Usage($"unknown loop {loop}");
}

double seconds = clock.Elapsed.TotalSeconds;
double cpuUs = (Environment.CpuUsage.TotalTime - cpuAtStart).TotalMicroseconds / Math.Max(done, 1);
Console.WriteLine(FormattableString.Invariant($"records={done} elapsed_s={seconds:0.000} msg_per_s={done / seconds:0} cpu_us_per_msg={cpuUs:0.00} failed={failed}"));
return failed == 0 ? 0 : 1;

static string Value(long n, int size)
{
    string text = "msg_" + n;
    return text.Length >= size ? text[..size] : text.PadRight(size, '.');
}

static int Usage(string why)
{
    Console.Error.WriteLine($"bare-client: {why}\nusage: bare-client produce-fire-and-forget|produce-async|consume -b HOST:PORT -t TOPIC -n COUNT [--size N] [-X key=value ...]");
    return 2;
}

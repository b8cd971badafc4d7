using BenchmarkDotNet.Running;

// Micro-benchmarks of the demos' hot paths. Built by CI, run by hand:
//   dotnet run -c Release --project bench/KafkaDemos.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

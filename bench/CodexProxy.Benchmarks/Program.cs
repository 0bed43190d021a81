using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/CodexProxy.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using BenchmarkDotNet.Running;
using CodexProxy.Benchmarks;

// dotnet run -c Release --project bench/CodexProxy.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/CodexProxy.Benchmarks -- compression   (sizes and CPU time per level)
if (args is ["compression"])
{
    RequestCompressionBenchmarks.PrintCpuTable();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using System.Globalization;
using BenchmarkDotNet.Running;
using CodexProxy.Benchmarks;

// dotnet run -c Release --project bench/CodexProxy.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/CodexProxy.Benchmarks -- compression   (sizes and CPU time per level)
if (args is ["compression"])
{
    RequestCompressionBenchmarks.PrintCpuTable();
    return;
}

// dotnet run -c Release --project bench/CodexProxy.Benchmarks -- stages 560 3500
if (args is ["stages", ..])
{
    await RequestStageTimings.RunAsync(args.Length > 1 ? args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)) : [560, 3500]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

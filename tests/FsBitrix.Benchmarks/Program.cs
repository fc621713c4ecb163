// Benchmarks are commands, not tests: each prints its figures, the last line in a fixed format.
// Usage: dotnet run -c Release --project tests/FsBitrix.Benchmarks -- <benchmark> [args]
namespace FsBitrix.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: FsBitrix.Benchmarks <parse|bitrix|service|...> [args]").ConfigureAwait(false);
            return 2;
        }

        string[] rest = args[1..];
        switch (args[0])
        {
            case "service":
                return await Service.ServiceBenchmark.RunAsync(rest).ConfigureAwait(false);

            case "service-host":
                return await Service.ServiceHostCommand.RunAsync(rest).ConfigureAwait(false);

            case "clicktocall":
                return await ClickToCallBenchmark.RunAsync(rest).ConfigureAwait(false);

            case "parse":
                return ParseBenchmark.Run(rest);

            case "bitrix":
                return await BitrixBenchmark.RunAsync(rest).ConfigureAwait(false);

            case "load":
                return await Load.LoadBenchmark.RunAsync(rest).ConfigureAwait(false);

            case "mp3":
                return await Mp3Benchmark.RunAsync(rest).ConfigureAwait(false);

            case "failover":
                return await Failover.FailoverBenchmark.RunAsync(rest).ConfigureAwait(false);

            // New benchmarks add one case here and live in a file of their own.
            default:
                await Console.Error.WriteLineAsync($"unknown benchmark '{args[0]}'").ConfigureAwait(false);
                return 2;
        }
    }
}

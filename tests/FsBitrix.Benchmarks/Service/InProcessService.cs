using System.Diagnostics;
using FsBitrix.Calls;
using FsBitrix.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Benchmarks.Service;

/// <summary>The service in the benchmark's own process, beside the portal and the fake FreeSWITCH.</summary>
internal sealed class InProcessService : IMeasuredService
{
    private readonly RequestsIssued _issued;
    private readonly WebApplication _app;

    private InProcessService(RequestsIssued issued, WebApplication app)
    {
        _issued = issued;
        _app = app;
    }

    public string CpuScope => "whole process: service, portal and fake FreeSWITCH";

    public TimeSpan CpuTime
    {
        get
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }
    }

    public PageFaults Faults => PageFaults.Of(Environment.ProcessId);

    public static async Task<InProcessService> StartAsync(int eslPort, Uri webhook, string databasePath)
    {
        var issued = new RequestsIssued();
        WebApplication app = await ServiceHostCommand.CreateAsync(eslPort, webhook, databasePath).ConfigureAwait(false);
        await app.StartAsync().ConfigureAwait(false);
        return new InProcessService(issued, app);
    }

    public Task<long?> IssuedSinceAsync(string method, long since) =>
        Task.FromResult(_issued.Latest(method) is { } at && at >= since ? at : (long?)null);

    public Task<ServiceStats> StatsAsync() =>
        Task.FromResult(ServiceHostCommand.Stats(_app.Services.GetRequiredService<CallTracker>()));

    public Task<GcCounters> GcAsync() => Task.FromResult(GcCounters.OfThisProcess());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _issued.Dispose();
    }
}

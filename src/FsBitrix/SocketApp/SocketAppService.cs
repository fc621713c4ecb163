using System.Net;
using FsBitrix.Configuration;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Outbound;
using FsBitrix.OwnerLookup;
using FsBitrix.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.SocketApp;

/// <summary>
/// Where the dialplan's <c>socket</c> application connects (<c>Esl:OutboundListen</c>): one listener for every
/// feature that takes calls from the dialplan. Each connection says what it wants in its channel variables:
/// <c>fsbitrix_lookup=owner</c> (the client's owner, then back to the dialplan) or <c>fsbitrix_queue=name</c>.
/// </summary>
internal sealed partial class SocketAppService(
    EslSettings esl,
    FsBitrix.Tenants.TenantsSettings tenants,
    IEnumerable<QueueCallHandler> queues,
    IEnumerable<OwnerLookupHandler> lookups,
    FsBitrix.Calls.CallTracker tracker,
    ILoggerFactory loggers,
    ILogger<SocketAppService> logger) : IHostedService, IAsyncDisposable
{
    private readonly QueueCallHandler? _queue = queues.FirstOrDefault();
    private readonly OwnerLookupHandler? _lookup = lookups.FirstOrDefault();
    private EslOutboundListener? _listener;

    /// <summary>Where the listener is bound (the real port when 0 was configured); null before start.</summary>
    public IPEndPoint? Endpoint => _listener?.LocalEndpoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new EslOutboundListener(IPEndPoint.Parse(esl.OutboundListen), RunAsync,
            logger: loggers.CreateLogger<EslOutboundListener>());
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_listener is { } listener)
        {
            _listener = null;
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync(EslOutboundSession session, CancellationToken cancellationToken)
    {
        EslEvent channel = await session.ConnectAsync(cancellationToken).ConfigureAwait(false);

        // Several companies: the call's register waits for its domain, which the CRM search of a lookup or a queue's
        // responsible rep needs first. The channel data says it (set by the DID) before any event of the leg does.
        if (tenants.Count > 0 && FsBitrix.Core.Events.ChannelEventFactory.From(channel) is { } data)
        {
            tracker.Observe(data);
        }

        // A queue first: channel variables stay, so a caller looked up earlier still carries fsbitrix_lookup.
        string? queue = channel.GetVariable(FsBitrix.Core.Events.ChannelEventFactory.QueueVariable);
        string? lookup = queue is null ? channel.GetVariable(OwnerLookupHandler.LookupVariable) : null;
        if (lookup is not null && _lookup is not null)
        {
            await _lookup.RunAsync(session, channel, cancellationToken).ConfigureAwait(false);
        }
        else if (lookup is null && _queue is not null)
        {
            await _queue.RunAsync(session, channel, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Asked for something this service is not configured for: the dialplan goes on rather than dropping the caller.
            LogNotConfigured(session.UniqueId ?? "?", lookup is null ? "a queue (FsBitrix:Queues is empty)" : "an owner lookup (FsBitrix:OwnerLookup:Enabled is false)");
            await session.ResumeAsync(cancellationToken).ConfigureAwait(false);
            await session.ExitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallKey} came to the socket for {What}; the dialplan continues")]
    private partial void LogNotConfigured(string callKey, string what);
}

using FsBitrix.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Esl.Inbound;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Hosting;

/// <summary>Connects the inbound Event Socket to the call tracker for the life of the host.</summary>
internal sealed class CallTrackingService(EslInboundClient esl, CallTracker tracker) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before connecting, so the first events of the first connection are not missed.
        tracker.Attach(esl.SelectEvents(ChannelEventFactory.From));
        await esl.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await esl.DisposeAsync().ConfigureAwait(false);
}

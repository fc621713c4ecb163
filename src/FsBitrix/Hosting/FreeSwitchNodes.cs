using FsBitrix.Configuration;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Hosting;

/// <summary>One FreeSWITCH node followed: its name and its event socket.</summary>
/// <param name="Tag">What its channel events carry as <c>ChannelEvent.Node</c>: its name with several nodes, null with one.</param>
internal sealed record FreeSwitchNode(string Name, string? Tag, EslInboundClient Client)
{
    /// <summary>How <c>/healthz</c> and the status page show it.</summary>
    public NodeReport Report()
    {
        EslConnectionState state = Client.State;
        return new NodeReport(Name, state.IsConnected, state.Status.ToString(), state.Since, state.Epoch, state.LastError?.Message,
            Client.Statistics.EventsDelivered);
    }
}

/// <summary>A node's connection as <c>/healthz</c> and the status page report it.</summary>
internal sealed record NodeReport(string Name, bool Connected, string State, DateTimeOffset Since, int Connections, string? LastError, long Events);

/// <summary>
/// Every FreeSWITCH node of <c>Esl:Nodes</c> (or the one of <c>Esl:Host</c>), each with its own inbound event socket.
/// The first is the default: where a click-to-call goes when the rep's phone is registered on none.
/// </summary>
internal sealed class FreeSwitchNodes : IAsyncDisposable
{
    public FreeSwitchNodes(EslSettings esl, ILoggerFactory loggers, TimeProvider time)
    {
        IReadOnlyList<EslNodeSettings> nodes = esl.EffectiveNodes();
        EslEventFormat format = string.Equals(esl.EventFormat, "json", StringComparison.OrdinalIgnoreCase) ? EslEventFormat.Json : EslEventFormat.Plain;
        All = [.. nodes.Select(n => new FreeSwitchNode(n.Name, nodes.Count > 1 ? n.Name : null, new EslInboundClient(
            new EslInboundOptions
            {
                Host = n.Host,
                Port = n.Port,
                Password = n.Password,
                EventFormat = format,
                Events = EslEvents.CallTracking,
                CustomSubclasses = EslEvents.CallTrackingCustom,
            },
            loggers.CreateLogger<EslInboundClient>(),
            time)))];
    }

    public IReadOnlyList<FreeSwitchNode> All { get; }

    public FreeSwitchNode Default => All[0];

    public bool Several => All.Count > 1;

    /// <summary>The node of this name (case-insensitive), or null.</summary>
    public FreeSwitchNode? Find(string? name) => All.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));

    public async ValueTask DisposeAsync()
    {
        foreach (FreeSwitchNode node in All)
        {
            await node.Client.DisposeAsync().ConfigureAwait(false);
        }
    }
}

using FsBitrix.Core.Reconciliation;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Inbound;
using FsBitrix.Hosting;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Which FreeSWITCH node a click-to-call is originated on: the one where the rep's phone is registered
/// (<c>show registrations</c>, asked of every connected node), else <c>ClickToCall:Node</c>, else the first node. With
/// one node there is nothing to ask.
/// </summary>
internal sealed class OriginateNode(FreeSwitchNodes nodes, ClickToCallSettings settings)
{
    public async Task<FreeSwitchNode> ChooseAsync(string extension, string? domain, CancellationToken cancellationToken)
    {
        if (!nodes.Several)
        {
            return nodes.Default;
        }

        foreach (FreeSwitchNode node in nodes.All.Where(n => n.Client.State.IsConnected))
        {
            try
            {
                EslReply reply = await node.Client.ApiAsync("show registrations as json", cancellationToken).ConfigureAwait(false);
                if (Registrations.Has(reply.Text, extension, domain))
                {
                    return node;
                }
            }
            catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException)
            {
                // That node cannot say; the others may.
            }
        }

        return nodes.Find(settings.Node) ?? nodes.Default;
    }
}

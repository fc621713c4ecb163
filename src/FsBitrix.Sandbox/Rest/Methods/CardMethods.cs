using System.Text.Json.Nodes;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>show</c> and <c>hide</c>: push the card to (or away from) users. Both answer <c>false</c> rather than an
/// error when the call is not live; without USER_ID they act for the registering user.
/// </summary>
internal sealed class CardMethod(PortalState state, bool show) : IRestMethod
{
    public string Name => show ? "telephony.externalcall.show" : "telephony.externalcall.hide";

    public MethodResult Invoke(RestParams parameters)
    {
        string callId = parameters.String("CALL_ID") ?? string.Empty;
        bool done = state.Write(show ? "shown" : "hidden", callId, () =>
        {
            if (!state.Live.TryGetValue(callId, out SandboxLiveCall? call))
            {
                return false;
            }

            IReadOnlyList<string> listed = parameters.List("USER_ID");
            IEnumerable<int> users = listed.Count == 0
                ? [call.UserId]
                : listed.Select(RestParams.ToLongText).Where(id => id > 0).Select(id => (int)id);
            if (!state.Cards.TryGetValue(callId, out HashSet<int>? viewers))
            {
                viewers = [];
                state.Cards[callId] = viewers;
            }

            foreach (int user in users)
            {
                if (show)
                {
                    viewers.Add(user);
                }
                else
                {
                    viewers.Remove(user);
                }
            }

            if (viewers.Count == 0)
            {
                state.Cards.Remove(callId);
            }

            return true;
        });
        return new MethodResult(JsonValue.Create(done));
    }
}

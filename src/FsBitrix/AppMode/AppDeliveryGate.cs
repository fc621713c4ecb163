using FsBitrix.Bitrix24.Auth;
using FsBitrix.Outbox;

namespace FsBitrix.AppMode;

/// <summary>App mode: open while the local application's tokens work; every install opens it again.</summary>
internal sealed class AppDeliveryGate : IDeliveryGate
{
    private readonly OAuthAuth _auth;

    public AppDeliveryGate(OAuthAuth auth)
    {
        _auth = auth;
        auth.StateChanged += state =>
        {
            if (state.CanCall)
            {
                Opened?.Invoke();
            }
        };
    }

    public bool IsOpen => _auth.State.CanCall;

    public event Action? Opened;
}

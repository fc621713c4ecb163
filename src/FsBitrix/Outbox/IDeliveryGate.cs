namespace FsBitrix.Outbox;

/// <summary>
/// Whether sending to Bitrix24 can work at all right now. While it cannot (app mode before the install, or after the
/// OAuth server refused to renew the tokens), the outbox sends nothing: commands keep their order and attempt
/// counts, and all go out once the gate opens.
/// </summary>
internal interface IDeliveryGate
{
    bool IsOpen { get; }

    /// <summary>Raised when the gate (re)opens.</summary>
    event Action? Opened;
}

/// <summary>Webhook mode: a refused webhook is a per-command failure, retried with its own wait.</summary>
internal sealed class OpenDeliveryGate : IDeliveryGate
{
    public bool IsOpen => true;

    public event Action? Opened
    {
        add { }
        remove { }
    }
}

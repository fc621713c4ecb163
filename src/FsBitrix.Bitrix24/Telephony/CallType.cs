namespace FsBitrix.Bitrix24.Telephony;

/// <summary><c>TYPE</c> of <c>telephony.externalcall.register</c>.</summary>
public enum CallType
{
    Outgoing = 1,
    Incoming = 2,

    /// <summary>Incoming with redirection (transfer).</summary>
    IncomingRedirected = 3,
    Callback = 4,

    /// <summary>Informational call.</summary>
    Informational = 5,
}

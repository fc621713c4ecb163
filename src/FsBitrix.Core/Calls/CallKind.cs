namespace FsBitrix.Core.Calls;

/// <summary>What a call is, decided from its first leg's CHANNEL_CREATE.</summary>
public enum CallKind
{
    /// <summary>No CHANNEL_CREATE of its first leg seen yet.</summary>
    Unknown,

    /// <summary>A client called a company line (DID).</summary>
    Inbound,

    /// <summary>An extension dialled a client.</summary>
    Outbound,

    /// <summary>The portal started it (<c>OnExternalCallStart</c>) and registered it; its CALL_ID rides on the rep's leg.</summary>
    ClickToCall,

    /// <summary>Extension to extension; followed to its end but not sent to Bitrix24 when configured so.</summary>
    Internal,

    /// <summary>Not ours to report (e.g. an originate by another tool, a B-leg whose A-leg we never saw).</summary>
    Untracked,
}

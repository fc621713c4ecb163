namespace FsBitrix.Core.Calls;

/// <summary>Bitrix24 <c>TYPE</c> of <c>telephony.externalCall.register</c>.</summary>
public enum CallType
{
    Outbound = 1,
    Inbound = 2,
    InboundWithRedirection = 3,
    Callback = 4,
}

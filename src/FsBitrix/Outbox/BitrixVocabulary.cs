using BitrixCallType = FsBitrix.Bitrix24.Telephony.CallType;
using CoreCallType = FsBitrix.Core.Calls.CallType;

namespace FsBitrix.Outbox;

/// <summary>
/// Where the call tracker's words become Bitrix24's: spelled out value by value, so that renumbering either enum
/// can never send a call of the wrong kind.
/// </summary>
internal static class BitrixVocabulary
{
    public static BitrixCallType TypeOf(CoreCallType type) => type switch
    {
        CoreCallType.Outbound => BitrixCallType.Outgoing,
        CoreCallType.Inbound => BitrixCallType.Incoming,
        CoreCallType.InboundWithRedirection => BitrixCallType.IncomingRedirected,
        CoreCallType.Callback => BitrixCallType.Callback,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "a call type Bitrix24 has no TYPE for"),
    };
}

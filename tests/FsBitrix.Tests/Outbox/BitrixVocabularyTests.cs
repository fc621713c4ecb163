using FsBitrix.Outbox;
using BitrixCallType = FsBitrix.Bitrix24.Telephony.CallType;
using CoreCallType = FsBitrix.Core.Calls.CallType;

namespace FsBitrix.Tests.Outbox;

/// <summary>The call tracker's call types reach Bitrix24 as its own TYPE values (documented 1–4), each spelled out.</summary>
public class BitrixVocabularyTests
{
    [TestCase(CoreCallType.Outbound, BitrixCallType.Outgoing, 1)]
    [TestCase(CoreCallType.Inbound, BitrixCallType.Incoming, 2)]
    [TestCase(CoreCallType.InboundWithRedirection, BitrixCallType.IncomingRedirected, 3)]
    [TestCase(CoreCallType.Callback, BitrixCallType.Callback, 4)]
    public void Each_call_type_has_its_bitrix24_type(CoreCallType type, BitrixCallType bitrix, int wire)
    {
        Assert.That(BitrixVocabulary.TypeOf(type), Is.EqualTo(bitrix));
        Assert.That((int)BitrixVocabulary.TypeOf(type), Is.EqualTo(wire));
    }

    [Test]
    public void Every_call_status_has_the_bitrix24_status_code_of_the_same_outcome()
    {
        foreach (FsBitrix.Core.Status.CallStatus status in Enum.GetValues<FsBitrix.Core.Status.CallStatus>())
        {
            Assert.That(BitrixVocabulary.StatusCodeOf(status), Is.EqualTo(FsBitrix.Core.Status.CallStatusCodes.Of(status)), status.ToString());
        }

        Assert.That(BitrixVocabulary.StatusCodeOf(FsBitrix.Core.Status.CallStatus.Canceled), Is.EqualTo(FsBitrix.Bitrix24.Telephony.CallStatusCodes.Canceled));
    }

    [Test]
    public void Every_call_type_is_mapped() =>
        Assert.That(Enum.GetValues<CoreCallType>().Select(BitrixVocabulary.TypeOf), Is.Unique);
}

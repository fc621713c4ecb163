using System.Globalization;
using FsBitrix.Configuration;
using FsBitrix.Core.Events;

namespace FsBitrix.ClickToCall;

/// <summary>
/// One click-to-call (or callback) attempt: ring the rep's phone showing the client's number and CRM name, and
/// when the rep answers, bridge to the client. Every value is checked by <see cref="DialValues"/> before it gets
/// here. The Bitrix24 CALL_ID rides on the rep's leg as <c>bitrix_call_id</c>, which is how the call tracker
/// finishes that call instead of registering a new one.
/// </summary>
/// <param name="LegUuid">The rep's leg's <c>origination_uuid</c>, chosen by us so the leg is known before it exists.</param>
/// <param name="BitrixCallId">Null only for a callback whose registration failed: then the call is not tracked.</param>
internal sealed record OriginatePlan(
    string LegUuid,
    string Extension,
    string ClientNumber,
    string? ClientName,
    string? BitrixCallId,
    string? CallerIdForClient)
{
    /// <summary>The <c>originate</c> arguments, as sent after <c>bgapi</c>.</summary>
    public string Command(DialSettings dial, ClickToCallSettings settings)
    {
        var rep = new List<string>
        {
            "origination_uuid=" + LegUuid,
            "origination_caller_id_number=" + ClientNumber,
            "origination_caller_id_name=" + (ClientName ?? ClientNumber),
        };
        if (BitrixCallId is not null)
        {
            rep.Add($"{ChannelEventFactory.BitrixCallIdVariable}={BitrixCallId}");
        }

        rep.Add("ignore_early_media=true");
        rep.Add("originate_timeout=" + settings.RepRingSeconds.ToString(CultureInfo.InvariantCulture));

        var client = new List<string>();
        if (CallerIdForClient is not null)
        {
            client.Add("origination_caller_id_number=" + CallerIdForClient);
        }

        client.Add("originate_timeout=" + settings.ClientRingSeconds.ToString(CultureInfo.InvariantCulture));

        string repEndpoint = dial.Extension.Replace("{extension}", Extension, StringComparison.Ordinal);
        string clientEndpoint = dial.External.Replace("{number}", ClientNumber, StringComparison.Ordinal);
        string command = $"originate {{{string.Join(',', rep)}}}{repEndpoint} &bridge({{{string.Join(',', client)}}}{clientEndpoint})";

        // The templates come from the admin, the values were checked; a line break here would end the ESL command.
        return command.AsSpan().IndexOfAny('\r', '\n') < 0
            ? command
            : throw new InvalidOperationException("FsBitrix:Dial templates must not contain line breaks");
    }
}

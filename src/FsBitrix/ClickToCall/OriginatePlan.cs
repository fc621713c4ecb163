using System.Globalization;
using FsBitrix.Configuration;
using FsBitrix.Core.Events;
using FsBitrix.Core.Queues;

namespace FsBitrix.ClickToCall;

/// <summary>
/// One click-to-call (or callback) attempt: ring the rep's phone showing the client's number and CRM name, and
/// when the rep answers, bridge to the client. Every value is checked by <see cref="DialValues"/> before it gets
/// here. The Bitrix24 CALL_ID rides on the rep's leg as <c>bitrix_call_id</c>, which is how the call tracker
/// finishes that call instead of registering a new one. A callback may ring several phones at once: each leg gets
/// its own <c>origination_uuid</c> and the same CALL_ID, and whoever answers first is bridged to the client.
/// </summary>
/// <param name="Legs">The phones rung first, each with the <c>origination_uuid</c> chosen by us so the leg is known before it exists.</param>
/// <param name="BitrixCallId">Null only for a callback whose registration failed: then the call is not tracked.</param>
internal sealed record OriginatePlan(
    IReadOnlyList<RingLeg> Legs,
    string ClientNumber,
    string? ClientName,
    string? BitrixCallId,
    string? CallerIdForClient)
{
    public OriginatePlan(string legUuid, string extension, string clientNumber, string? clientName, string? bitrixCallId, string? callerIdForClient)
        : this([new RingLeg(legUuid, extension)], clientNumber, clientName, bitrixCallId, callerIdForClient)
    {
    }

    /// <summary>The first leg's UUID: what the tracker keys the attempt by.</summary>
    public string LegUuid => Legs[0].Uuid;

    public string Extension => Legs[0].Extension;

    public IReadOnlyList<string> LegUuids => [.. Legs.Select(l => l.Uuid)];

    /// <summary>The <c>originate</c> arguments, as sent after <c>bgapi</c>, built by the one dial-string builder (<see cref="DialString"/>).</summary>
    /// <param name="domain">
    /// The company's FreeSWITCH domain (several companies on one switch): its <c>user/1001@domain</c> is rung, not
    /// another company's 1001, and the rep's leg carries <c>domain_name</c>, which sends the call's finish to its portal.
    /// </param>
    public string Command(DialSettings dial, ClickToCallSettings settings, string? domain = null)
    {
        var rep = new List<KeyValuePair<string, string>>();
        if (domain is not null)
        {
            rep.Add(new("domain_name", domain));
        }

        if (Legs.Count == 1)
        {
            rep.Add(new(DialString.OriginationUuid, LegUuid));
        }

        rep.Add(new("origination_caller_id_number", ClientNumber));
        rep.Add(new("origination_caller_id_name", ClientName ?? ClientNumber));
        if (BitrixCallId is not null)
        {
            rep.Add(new(ChannelEventFactory.BitrixCallIdVariable, BitrixCallId));
        }

        rep.Add(new("ignore_early_media", "true"));
        rep.Add(new("originate_timeout", settings.RepRingSeconds.ToString(CultureInfo.InvariantCulture)));

        var client = new List<KeyValuePair<string, string>>();
        if (CallerIdForClient is not null)
        {
            client.Add(new("origination_caller_id_number", CallerIdForClient));
        }

        client.Add(new("originate_timeout", settings.ClientRingSeconds.ToString(CultureInfo.InvariantCulture)));

        // Ring-all: the rep's phones at once, each leg with its own UUID when there are several.
        string repLegs = DialString.Simultaneous(rep, Legs.Select(l => new DialLeg(DialString.Endpoint(dial.Extension, l.Extension, domain),
            Legs.Count == 1 ? [] : [new(DialString.OriginationUuid, l.Uuid)])));
        string clientLeg = DialString.Simultaneous(client, [new DialLeg(DialString.External(dial.External, ClientNumber), [])]);
        string command = $"originate {repLegs} &bridge({clientLeg})";

        // The templates come from the admin, the values were checked; a line break here would end the ESL command.
        return command.AsSpan().IndexOfAny('\r', '\n') < 0
            ? command
            : throw new InvalidOperationException("FsBitrix:Dial templates must not contain line breaks");
    }
}

/// <summary>One phone an originate rings first, and the UUID its leg will have.</summary>
internal sealed record RingLeg(string Uuid, string Extension);

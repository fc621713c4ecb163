namespace FsBitrix.Simulator.Flows;

/// <summary>
/// The call flows of the captures (s1-s8, s12, s13, and the real deployments' s18, s19, s21, s22, s24) as scripts,
/// with the numbers given. Each call gets fresh UUIDs when played; timings follow the captures (ring 2 s, talk 3-4 s).
/// </summary>
public static class StandardFlows
{
    /// <summary>The tenant of the real deployments' flows unless one is given (FusionPBX sets domain_name on every DID).</summary>
    public const string Domain = "example.com";

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>s1: customer → DID → one agent rings 2 s, answers, 4 s talk, the customer hangs up.</summary>
    public static CallScript InboundAnswered(string customer, string did, string agent) => new()
    {
        Name = "inbound answered",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Rings = [RingGroup.Of(new Phone(agent, PhoneAction.Answers, S(2)))],
        Talk = S(4),
        HangsUp = Side.Caller,
    };

    /// <summary>s2: two agents ring together; the second answers after 2 s, the first loses the race; the agent hangs up.</summary>
    public static CallScript RingAll(string customer, string did, string loser, string winner, string? queue = null) => new()
    {
        Name = "ring-all",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Rings = [RingGroup.Of(new Phone(loser, PhoneAction.NeverAnswers), new Phone(winner, PhoneAction.Answers, S(2)))],
        Talk = S(3),
        HangsUp = Side.Callee,
        Queue = queue,
    };

    /// <summary>s3: the first agent rings until its leg timeout (3 s), then the second rings and answers.</summary>
    public static CallScript Sequential(string customer, string did, string first, string second) => new()
    {
        Name = "sequential",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Rings =
        [
            new RingGroup([new Phone(first, PhoneAction.NeverAnswers)], LegTimeout: S(3.6)),
            RingGroup.Of(new Phone(second, PhoneAction.Answers, S(2))),
        ],
        Talk = S(3),
        HangsUp = Side.Callee,
    };

    /// <summary>s4: the agent rings; the customer gives up after 3 s (ORIGINATOR_CANCEL, 487).</summary>
    public static CallScript Missed(string customer, string did, string agent) => new()
    {
        Name = "missed",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Rings = [RingGroup.Of(new Phone(agent, PhoneAction.NeverAnswers))],
        CallerGivesUpAfter = S(3),
    };

    /// <summary>s5: the agent's phone answers 486 Busy Here at once; the customer is refused with USER_BUSY.</summary>
    public static CallScript Busy(string customer, string did, string agent) => new()
    {
        Name = "busy",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Rings = [RingGroup.Of(new Phone(agent, PhoneAction.Busy))],
    };

    /// <summary>s6: the first agent answers, talks 2 s, is blind-transferred to the second, who answers after 2 s; 3 s talk.</summary>
    public static CallScript BlindTransfer(string customer, string did, string first, string second) => new()
    {
        Name = "blind transfer",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Rings = [RingGroup.Of(new Phone(first, PhoneAction.Answers, S(2)))],
        Transfer = new BlindTransfer(S(2), new Phone(second, PhoneAction.Answers, S(2))),
        Talk = S(3),
        HangsUp = Side.Callee,
    };

    /// <summary>s7: an extension dials a client; answered after 2 s; 3 s talk; the extension hangs up.</summary>
    public static CallScript Outbound(string extension, string client) => new()
    {
        Name = "outbound",
        Kind = FlowKind.Outbound,
        From = extension,
        To = client,
        Rings = [RingGroup.Of(new Phone(client, PhoneAction.Answers, S(2)))],
        Talk = S(3),
        HangsUp = Side.Caller,
    };

    /// <summary>s8: an extension dials a client who never answers; the gateway leg times out after 10 s (NO_ANSWER).</summary>
    public static CallScript OutboundNoAnswer(string extension, string client) => new()
    {
        Name = "outbound no answer",
        Kind = FlowKind.Outbound,
        From = extension,
        To = client,
        Rings = [RingGroup.Of(new Phone(client, PhoneAction.NeverAnswers))],
        CallTimeout = S(10),
    };

    /// <summary>
    /// s12/s13 without an ESL client: the rep's phone rings (answers after 1 s, or never until the 8 s originate
    /// timeout), then the client answers after 2 s; 3 s talk; the rep hangs up. The service normally triggers
    /// this itself with <c>bgapi originate</c>.
    /// </summary>
    public static CallScript ClickToCall(string rep, string client, string bitrixCallId, bool repAnswers = true, string? shownNumber = null) => new()
    {
        Name = repAnswers ? "click-to-call" : "click-to-call, rep does not answer",
        Kind = FlowKind.ClickToCall,
        From = shownNumber ?? client,
        To = client,
        Rings =
        [
            new RingGroup([new Phone(rep, repAnswers ? PhoneAction.Answers : PhoneAction.NeverAnswers, S(1))], repAnswers ? null : S(8)),
            RingGroup.Of(new Phone(client, PhoneAction.Answers, S(2))),
        ],
        Talk = S(3),
        HangsUp = Side.Caller,
        Record = false,
        OriginateVariables =
        [
            new("origination_caller_id_number", shownNumber ?? client),
            new("origination_caller_id_name", "Client"),
            new("bitrix_call_id", bitrixCallId),
            new("ignore_early_media", "true"),
        ],
    };

    /// <summary>
    /// s18: the DID answers and hands the caller to a <c>mod_callcenter</c> ring-all queue; both agents ring, the second
    /// answers after 2 s (the first loses the race); 3 s talk; the caller hangs up.
    /// </summary>
    public static CallScript CallcenterRingAll(string customer, string did, string loser, string winner, string queue = "sales", string domain = Domain) => new()
    {
        Name = "callcenter ring-all",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Domain = domain,
        Callcenter = $"{queue}@{domain}",
        Rings = [RingGroup.Of(new Phone(loser, PhoneAction.NeverAnswers), new Phone(winner, PhoneAction.Answers, S(2)))],
        Talk = S(3),
        HangsUp = Side.Caller,
    };

    /// <summary>s19: a top-down <c>mod_callcenter</c> queue: the first agent rings 5 s unanswered, the next answers after 2 s; 3 s talk; the agent hangs up.</summary>
    public static CallScript CallcenterTopDown(string customer, string did, string first, string second, string queue = "support", string domain = Domain) => new()
    {
        Name = "callcenter top-down",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Domain = domain,
        Callcenter = $"{queue}@{domain}",
        Rings =
        [
            new RingGroup([new Phone(first, PhoneAction.NeverAnswers)], Timeout: S(5)),
            RingGroup.Of(new Phone(second, PhoneAction.Answers, S(2))),
        ],
        Talk = S(3),
        HangsUp = Side.Callee,
    };

    /// <summary>s21: the IVR answers and plays a 3 s greeting, then the agent rings and answers after 2 s; 4 s talk; the caller hangs up.</summary>
    public static CallScript IvrThenAgent(string customer, string did, string agent, string domain = Domain) => new()
    {
        Name = "IVR then agent",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Domain = domain,
        Greeting = S(3),
        Rings = [RingGroup.Of(new Phone(agent, PhoneAction.Answers, S(2)))],
        Talk = S(4),
        HangsUp = Side.Caller,
    };

    /// <summary>s22: the agent rings 5 s unanswered; the caller leaves a 4 s voicemail message in the agent's box.</summary>
    public static CallScript VoicemailOnNoAnswer(string customer, string did, string agent, string domain = Domain) => new()
    {
        Name = "voicemail",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Domain = domain,
        Record = false,
        Rings = [new RingGroup([new Phone(agent, PhoneAction.NeverAnswers)], Timeout: S(5))],
        Voicemail = new Voicemail(agent, S(4)),
    };

    /// <summary>
    /// s24: the agent's desk phone and, through a loopback, the agent's mobile ring together; the mobile answers after
    /// 2 s (the desk phone loses the race); 3 s talk; the caller hangs up.
    /// </summary>
    public static CallScript FollowMe(string customer, string did, string agent, string mobile, string domain = Domain) => new()
    {
        Name = "follow-me",
        Kind = FlowKind.Inbound,
        From = customer,
        To = did,
        Domain = domain,
        Rings = [RingGroup.Of(new Phone(agent, PhoneAction.NeverAnswers), new Phone(mobile, PhoneAction.Answers, S(2)) { FollowMeOf = agent })],
        Talk = S(3),
        HangsUp = Side.Caller,
    };
}

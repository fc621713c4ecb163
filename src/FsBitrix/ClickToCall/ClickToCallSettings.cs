namespace FsBitrix.ClickToCall;

/// <summary>
/// The <c>FsBitrix:ClickToCall</c> section: how OnExternalCallStart (a rep clicked a number) and
/// OnExternalCallBackStart (a visitor asked to be called back) are dialled.
/// </summary>
internal sealed class ClickToCallSettings
{
    /// <summary>How long the rep's phone rings (<c>originate_timeout</c>) before the attempt is given up.</summary>
    public int RepRingSeconds { get; set; } = 30;

    /// <summary>How long the client's phone rings once the rep has answered.</summary>
    public int ClientRingSeconds { get; set; } = 60;

    /// <summary>Caller ID the client sees when the event names no line (<c>LINE_NUMBER</c> empty); null: the gateway's.</summary>
    public string? CallerIdNumber { get; set; }

    /// <summary>Show the CRM name on the rep's phone (one <c>searchCrmEntities</c> before ringing).</summary>
    public bool ShowCrmName { get; set; } = true;

    /// <summary>The rep's phone is not kept waiting longer than this for the name; it rings with the number only.</summary>
    public TimeSpan CrmLookupTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Extension that answers callback requests. Null: the client's responsible rep in the CRM, else the
    /// extension of <c>Bitrix:DefaultUserId</c>.
    /// </summary>
    public string? CallbackExtension { get; set; }

    /// <summary>
    /// Extensions rung all at once for a callback; the first to answer talks to the client and gets the call in
    /// Bitrix24. When set, it wins over <see cref="CallbackExtension"/>.
    /// </summary>
    public List<string> CallbackExtensions { get; set; } = [];

    /// <summary>Larger event bodies are refused with 413; a real event is under 2 KiB.</summary>
    public int MaxEventBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// An event accepted but not yet placed when the service stopped is placed after the restart when it is younger
    /// than this; an older one is finished as not placed (the rep has stopped waiting for their phone to ring).
    /// </summary>
    public TimeSpan PlaceAfterRestartWithin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a handled CALL_ID is remembered, so a repeated delivery does not ring twice.</summary>
    public TimeSpan RememberEventsFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Several FreeSWITCH nodes (<c>Esl:Nodes</c>): the node a click is originated on when the rep's phone is registered
    /// on none of them (unset: the first node). A phone registered on a node is always rung from that node.
    /// </summary>
    public string? Node { get; set; }
}

namespace FsBitrix.Queues;

/// <summary>
/// One entry of <c>FsBitrix:Queues</c> (the key is the queue's name, which the dialplan sets in
/// <c>fsbitrix_queue</c> before handing the call to the <c>socket</c> application). Times are whole seconds because
/// FreeSWITCH's leg timeouts are.
/// </summary>
internal sealed class QueueSettings
{
    /// <summary>Extensions (<c>1001</c>) or Bitrix24 users (<c>user:7</c>, rung at the extension the portal gives them), in order.</summary>
    public List<string> Agents { get; set; } = [];

    /// <summary><c>ring-all</c>, <c>sequential</c>, <c>round-robin</c> or <c>longest-idle</c>.</summary>
    public string Strategy { get; set; } = "ring-all";

    /// <summary>How long one agent's phone rings (ring-all: one round of every phone).</summary>
    public int RingTimeoutSeconds { get; set; } = 20;

    /// <summary>From entering the queue to the fallback.</summary>
    public int MaxWaitSeconds { get; set; } = 120;

    /// <summary>After an answered call, the agent is left alone this long.</summary>
    public int WrapUpSeconds { get; set; }

    /// <summary>How long the client's responsible rep (from the CRM) rings alone first; 0 skips the CRM lookup.</summary>
    public int ResponsibleFirstSeconds { get; set; } = 15;

    /// <summary><c>hangup:NO_ANSWER</c>, <c>extension:1099</c> (transfer in the <c>default</c> context) or <c>queue:support</c>.</summary>
    public string Fallback { get; set; } = "hangup:NO_ANSWER";

    /// <summary>What the caller hears while phones ring (FreeSWITCH <c>ringback</c>: a tone or a file).</summary>
    public string Ringback { get; set; } = "%(2000,4000,440,480)";
}

/// <summary><c>FsBitrix:Queues</c> (or a company's <c>Tenants:N:Queues</c>): queue name → its settings.</summary>
internal sealed class QueuesSettings : Dictionary<string, QueueSettings>;

using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;

namespace FsBitrix.Esl.Inbound;

/// <summary>Where FreeSWITCH's inbound Event Socket is, and what to subscribe to after every (re)connect.</summary>
public sealed record EslInboundOptions : EslConnectionOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 8021;

    /// <summary>The <c>auth</c> password; never logged, and masked in <see cref="ToString"/>.</summary>
    public string Password { get; init; } = "ClueCon";

    public EslEventFormat EventFormat { get; init; } = EslEventFormat.Plain;

    /// <summary>Events subscribed after each connect; empty means none.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    public IReadOnlyList<string> CustomSubclasses { get; init; } = [];

    /// <summary>Header/value filters sent after the subscription (<c>filter Header value</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Filters { get; init; } = [];

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public ReconnectBackoff Reconnect { get; init; } = new();

    public override string ToString() => $"ESL {Host}:{Port} (password ****)";
}

namespace FsBitrix.Simulator.Switch;

/// <summary>Who the simulated switch says it is in every event's envelope.</summary>
internal sealed record SwitchIdentity(string CoreUuid, string Hostname, DateTimeOffset StartedAt);

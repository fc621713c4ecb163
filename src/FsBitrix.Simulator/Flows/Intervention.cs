namespace FsBitrix.Simulator.Flows;

/// <summary>Something an ESL client asked of a live call (api uuid_kill / uuid_transfer), handled by the call's flow.</summary>
internal abstract record Intervention(string Uuid);

internal sealed record KillLeg(string Uuid, string Cause) : Intervention(Uuid);

/// <summary><paramref name="BLeg"/>: transfer the partner of <paramref name="Uuid"/> instead of the leg itself.</summary>
internal sealed record TransferLeg(string Uuid, bool BLeg, string Destination, string Context) : Intervention(Uuid);

using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

/// <summary>
/// One call's share of an outbox transaction: its new commands, and its reducer state to keep for a restart
/// (<paramref name="StateJson"/> null with <paramref name="CallOver"/> once nothing of the call needs resuming).
/// <paramref name="Tenant"/> names the company whose portal the commands go to (<see cref="IOutboxStore.DefaultTenant"/>: the default).
/// </summary>
internal sealed record OutboxWrite(string CallKey, IReadOnlyList<CallCommand> Commands, string? StateJson, bool CallOver,
    string Tenant = IOutboxStore.DefaultTenant);

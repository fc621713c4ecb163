using FsBitrix.Core.Calls;

namespace FsBitrix.Calls;

/// <summary>One fold step of one call: its new state, the commands for Bitrix24, and whether the state changed.</summary>
internal sealed record CallStep(string CallKey, CallState State, IReadOnlyList<CallCommand> Commands, bool Changed = true)
{
    /// <summary>Set on the pseudo-step of <see cref="CallTracker.FlushAsync"/>: nothing to write, only to signal.</summary>
    public TaskCompletionSource? Flushed { get; init; }
}

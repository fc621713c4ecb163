using FsBitrix.Core.Calls;

namespace FsBitrix.Calls;

/// <summary>One reduce step of one call: its new state and the commands for Bitrix24.</summary>
internal sealed record CallStep(string CallKey, CallState State, IReadOnlyList<CallCommand> Commands);

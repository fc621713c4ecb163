using System.Collections.Immutable;

namespace FsBitrix.Core.Queues;

/// <summary>
/// A planner step: the caller's new state, the shared presence with this call's offers, the queue's new round-robin
/// cursor (the agent it offered a call to last), and the actions to carry out in order.
/// </summary>
public sealed record QueueStep(QueueCallState Call, AgentPresence Presence, string? Cursor, ImmutableArray<QueueAction> Actions);

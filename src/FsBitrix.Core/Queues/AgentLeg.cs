namespace FsBitrix.Core.Queues;

/// <summary>A live leg of an extension's phone: ringing until <see cref="Answered"/>, then talking.</summary>
/// <param name="CallKey">The leg that dialled it (the customer's leg for a queue call), else its own UUID.</param>
public sealed record AgentLeg(string Extension, string CallKey, bool Answered);

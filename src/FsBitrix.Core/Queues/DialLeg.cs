namespace FsBitrix.Core.Queues;

/// <summary>One leg of a dial string: its endpoint (<c>user/1001</c>) and the variables only it gets, in order.</summary>
public sealed record DialLeg(string Endpoint, IReadOnlyList<KeyValuePair<string, string>> Variables);

using System.Text.Json.Nodes;

namespace FsBitrix.Sandbox.Rest;

/// <summary>What a method returns: <c>result</c>, and for list methods <c>total</c> and <c>next</c>.</summary>
internal sealed record MethodResult(JsonNode? Result, long? Total = null, long? Next = null);

namespace FsBitrix.Esl.Protocol;

/// <summary>How a header value's bytes must be decoded into a string.</summary>
internal enum HeaderValueKind
{
    /// <summary>Written as is (outer frame headers).</summary>
    Raw = 0,

    /// <summary>URL-encoded by FreeSWITCH (plain and XML events, the connect reply).</summary>
    PercentEncoded = 1,

    /// <summary>A JSON string token, quotes included.</summary>
    JsonString = 2,

    /// <summary>A JSON array token (FreeSWITCH's multi-value headers in JSON events).</summary>
    JsonArray = 3,

    /// <summary>Any other JSON token (numbers, booleans), kept as its text.</summary>
    JsonLiteral = 4,
}

namespace FsBitrix.Sandbox.Faults;

/// <summary>Failures the sandbox can be told to produce, each the way Bitrix24 (or what stands in front of it) produces it.</summary>
public enum SandboxFaultKind
{
    /// <summary>503 <c>QUERY_LIMIT_EXCEEDED</c> "Too many requests", before the method runs.</summary>
    QueryLimitExceeded,

    /// <summary>503 with an HTML "Service Unavailable" page: an outage in front of the portal.</summary>
    Outage,

    /// <summary>500 <c>INTERNAL_SERVER_ERROR</c> JSON, before the method runs.</summary>
    InternalServerError,

    /// <summary>502 with an HTML error page and <c>text/html</c> content type.</summary>
    HtmlErrorPage,

    /// <summary>403 <c>WRONG_AUTH_TYPE</c>; by default only for the methods that check the auth type (register, finish).</summary>
    WrongAuthType,

    /// <summary>429 <c>OPERATION_TIME_LIMIT</c> for the method, before it runs.</summary>
    OperationTimeLimit,

    /// <summary>The method runs, then the answer is held back by <see cref="SandboxFault.Latency"/> (real time).</summary>
    Latency,
}

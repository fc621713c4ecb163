namespace FsBitrix.Bitrix24.Errors;

/// <summary>What a failure means for the caller: wait, retry, alert a human, or fix the data.</summary>
public enum Bitrix24ErrorKind
{
    /// <summary><c>503 QUERY_LIMIT_EXCEEDED</c>: the portal's leaky bucket overflowed; rejected before execution.</summary>
    RateLimited,

    /// <summary><c>429 OPERATION_TIME_LIMIT</c>: this method is blocked until <c>operating_reset_at</c>.</summary>
    OperationTimeLimit,

    /// <summary>Webhook, token, scope or auth-type problem (401/403). Retrying cannot help; a human must act.</summary>
    Authorization,

    /// <summary><c>finish</c> of a CALL_ID that is not live: never registered, or already finished.</summary>
    CallNotFound,

    /// <summary><c>attachRecord</c> before the call was finished: its statistics row does not exist yet.</summary>
    CallNotFinished,

    /// <summary>5xx, HTML error pages, timeouts, refused or dropped connections.</summary>
    Transient,

    /// <summary>The method ran and refused the data (400 with <c>ERROR_CORE</c>, <c>INVALID_ARGUMENT</c>, or an empty code).</summary>
    BadRequest,
}

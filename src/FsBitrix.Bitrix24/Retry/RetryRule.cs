namespace FsBitrix.Bitrix24.Retry;

/// <summary>How safely a method can be sent again after a failure.</summary>
public enum RetryRule
{
    /// <summary>
    /// Sending twice does no harm: <c>show</c>, <c>hide</c>, <c>user.get</c>, <c>searchCrmEntities</c>, and
    /// <c>register</c> (its 30-minute de-duplication returns the same CALL_ID for the same EXTERNAL_CALL_ID).
    /// </summary>
    Idempotent,

    /// <summary>
    /// Sending twice does harm (<c>finish</c> deletes the live call): retried only when the request certainly
    /// did not run — refused connection, or <c>503 QUERY_LIMIT_EXCEEDED</c>, which Bitrix24 answers before executing.
    /// </summary>
    OnlyIfNotExecuted,
}

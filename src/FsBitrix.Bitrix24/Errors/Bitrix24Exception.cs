namespace FsBitrix.Bitrix24.Errors;

/// <summary>
/// A failed Bitrix24 REST call. <see cref="Error"/> and <see cref="ErrorDescription"/> are the portal's own
/// fields (the code is often empty for telephony errors, so match on the description).
/// </summary>
public sealed class Bitrix24Exception : Exception
{
    public Bitrix24Exception()
        : this(string.Empty, Bitrix24ErrorKind.Transient, null, string.Empty, "unknown failure", mayHaveExecuted: true)
    {
    }

    public Bitrix24Exception(string message)
        : this(string.Empty, Bitrix24ErrorKind.Transient, null, string.Empty, message, mayHaveExecuted: true)
    {
    }

    public Bitrix24Exception(string message, Exception innerException)
        : this(string.Empty, Bitrix24ErrorKind.Transient, null, string.Empty, message, mayHaveExecuted: true, innerException: innerException)
    {
    }

    public Bitrix24Exception(
        string method,
        Bitrix24ErrorKind kind,
        int? httpStatus,
        string error,
        string errorDescription,
        bool mayHaveExecuted,
        DateTimeOffset? retryAt = null,
        Exception? innerException = null)
        : base(Describe(method, kind, httpStatus, error, errorDescription), innerException)
    {
        Method = method;
        Kind = kind;
        HttpStatus = httpStatus;
        Error = error;
        ErrorDescription = errorDescription;
        MayHaveExecuted = mayHaveExecuted;
        RetryAt = retryAt;
    }

    /// <summary>REST method, e.g. <c>telephony.externalcall.finish</c>.</summary>
    public string Method { get; }

    public Bitrix24ErrorKind Kind { get; }

    /// <summary>HTTP status, or null when no response arrived (timeout, refused connection).</summary>
    public int? HttpStatus { get; }

    /// <summary>The <c>error</c> field; empty when the portal sent none (or no JSON at all).</summary>
    public string Error { get; }

    /// <summary>The <c>error_description</c> field, or what we know about a non-JSON failure.</summary>
    public string ErrorDescription { get; }

    /// <summary>
    /// True when the request may have reached Bitrix24 and run (timeout, 5xx, dropped connection), so a
    /// non-idempotent method such as <c>finish</c> must not be sent again blindly.
    /// </summary>
    public bool MayHaveExecuted { get; }

    /// <summary>For <see cref="Bitrix24ErrorKind.OperationTimeLimit"/>: when the method is expected to unblock.</summary>
    public DateTimeOffset? RetryAt { get; }

    /// <summary>
    /// <c>403 WRONG_AUTH_TYPE</c>: the method refuses this kind of auth. For telephony through an incoming webhook
    /// it means the portal wants a local application (app mode).
    /// </summary>
    public bool IsWrongAuthType => Error.Equals("WRONG_AUTH_TYPE", StringComparison.OrdinalIgnoreCase);

    /// <summary>The access token itself was refused (<c>expired_token</c>, <c>invalid_token</c>): one renewal may help.</summary>
    public bool IsRenewableAuth => Kind == Bitrix24ErrorKind.Authorization && IsRenewable(Error);

    internal static bool IsRenewable(string error) =>
        error.Equals("expired_token", StringComparison.OrdinalIgnoreCase) || error.Equals("invalid_token", StringComparison.OrdinalIgnoreCase);

    private static string Describe(string method, Bitrix24ErrorKind kind, int? httpStatus, string error, string description)
    {
        string status = httpStatus is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response";
        string code = error.Length == 0 ? "(empty error)" : error;
        return $"Bitrix24 {method} failed ({kind}, HTTP {status}, {code}): {description}";
    }
}

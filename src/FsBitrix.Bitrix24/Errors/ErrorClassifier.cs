namespace FsBitrix.Bitrix24.Errors;

/// <summary>Maps a portal answer (status, <c>error</c>, <c>error_description</c>) to what it means for us.</summary>
internal static class ErrorClassifier
{
    // Verbatim from the server code: the closing parenthesis really is missing.
    internal const string CallNotFoundPrefix = "Call is not found (call should be registered prior to finishing";
    internal const string CallNotFinishedPrefix = "Call is not found in the statistic table";

    private static readonly HashSet<string> AuthorizationCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "expired_token", "invalid_token", "NO_AUTH_FOUND", "insufficient_scope", "WRONG_AUTH_TYPE",
        "INVALID_CREDENTIALS", "authorization_error", "ACCESS_DENIED", "user_access_error", "PORTAL_DELETED",
        "INVALID_REQUEST",
    };

    public static Bitrix24ErrorKind Classify(int httpStatus, string error, string description)
    {
        if (error.Equals("QUERY_LIMIT_EXCEEDED", StringComparison.OrdinalIgnoreCase))
        {
            return Bitrix24ErrorKind.RateLimited;
        }

        if (httpStatus == 429 || error.Equals("OPERATION_TIME_LIMIT", StringComparison.OrdinalIgnoreCase))
        {
            return Bitrix24ErrorKind.OperationTimeLimit;
        }

        if (AuthorizationCodes.Contains(error) || httpStatus is 401 or 403)
        {
            return Bitrix24ErrorKind.Authorization;
        }

        if (description.StartsWith(CallNotFoundPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Bitrix24ErrorKind.CallNotFound;
        }

        if (description.StartsWith(CallNotFinishedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Bitrix24ErrorKind.CallNotFinished;
        }

        return httpStatus >= 500 ? Bitrix24ErrorKind.Transient : Bitrix24ErrorKind.BadRequest;
    }

    /// <summary>
    /// Only answers that Bitrix24 gives before running the method are certain not to have changed anything;
    /// a 5xx may come after the method did its work.
    /// </summary>
    public static bool MayHaveExecuted(Bitrix24ErrorKind kind, int httpStatus) => kind switch
    {
        Bitrix24ErrorKind.RateLimited or Bitrix24ErrorKind.OperationTimeLimit or Bitrix24ErrorKind.Authorization => false,
        _ => httpStatus >= 500,
    };
}

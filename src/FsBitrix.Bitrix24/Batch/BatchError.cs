using FsBitrix.Bitrix24.Errors;

namespace FsBitrix.Bitrix24.Batch;

/// <summary>Per-command error inside a batch that as a whole answered 200.</summary>
public sealed record BatchError(string Error, string ErrorDescription)
{
    // Only codes and descriptions come back per command; these are the portal's own failures, worth a retry.
    private static readonly HashSet<string> ServerErrors = new(StringComparer.OrdinalIgnoreCase)
    {
        "INTERNAL_SERVER_ERROR", "ERROR_UNEXPECTED_ANSWER",
    };

    /// <summary>
    /// The exception the same method would have thrown on its own, so a caller decides about a command in a batch
    /// exactly as about a standalone call (a register refused for its data is not retried; a server error is).
    /// </summary>
    public Bitrix24Exception ToException(string method)
    {
        int status = ServerErrors.Contains(Error) ? 500 : 400;
        Bitrix24ErrorKind kind = ErrorClassifier.Classify(status, Error, ErrorDescription);
        return new Bitrix24Exception(method, kind, 200, Error, ErrorDescription, ErrorClassifier.MayHaveExecuted(kind, status));
    }
}

namespace FsBitrix.Sandbox.Rest;

/// <summary>An error answer, thrown by a method: Bitrix24's <c>RestException</c> defaults to HTTP 400 and an empty code.</summary>
internal sealed class RestError(int status, string error, string description) : Exception(description)
{
    public int Status { get; } = status;

    public string Error { get; } = error;

    public string Description { get; } = description;

    /// <summary>The code is really empty for telephony errors thrown without one (b24-rest-docs #175).</summary>
    public static RestError Core(string description) => new(400, string.Empty, description);

    public static RestError ErrorCore(string description) => new(400, "ERROR_CORE", description);
}

using FsBitrix.Sandbox.OAuth;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>The portal's <c>AuthTypeException</c>: what a webhook gets from a method that needs application auth.</summary>
internal static class AppOnly
{
    public static void Require(RestCaller caller)
    {
        if (!caller.IsApp)
        {
            throw WrongAuthType();
        }
    }

    public static RestError WrongAuthType() => new(403, "WRONG_AUTH_TYPE", "Current authorization type is denied for this method");

    /// <summary>PHP's <c>ArgumentNullException</c> as the REST server reports it (inference: code and text of the core exception).</summary>
    public static RestError Missing(string argument) => new(400, "ERROR_ARGUMENT", $"Argument '{argument}' is null or empty");
}

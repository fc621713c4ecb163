using System.Security.Cryptography;

namespace FsBitrix.Sandbox.Rest.Methods;

internal static class CallIds
{
    /// <summary><c>'externalCall.' . md5(uniqid(...)) . '.' . time()</c>.</summary>
    public static string New(DateTimeOffset now) =>
        $"externalCall.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.{now.ToUnixTimeSeconds()}";
}

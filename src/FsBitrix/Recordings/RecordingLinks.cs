using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FsBitrix.Recordings;

/// <summary>
/// Signed, expiring references to recordings for <c>Recordings:Mode=url</c>. A token names a row of the
/// recordings table (a random id) and its expiry, signed with HMAC-SHA256; the file path stays in the database,
/// so nothing a requester sends ever reaches the file system.
/// </summary>
internal sealed class RecordingLinks(byte[] key, TimeProvider time)
{
    public string CreateToken(string recordingId, DateTimeOffset expires)
    {
        string payload = recordingId + "." + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return payload + "." + Base64Url.EncodeToString(Sign(payload));
    }

    /// <summary>The recording id of a genuine, unexpired token; null for anything else.</summary>
    public string? Validate(string token)
    {
        int lastDot = token.LastIndexOf('.');
        if (lastDot <= 0 || token.Length > 200)
        {
            return null;
        }

        string payload = token[..lastDot];
        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
        {
            return null;
        }

        string[] parts = payload.Split('.');
        return parts.Length == 2
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long expires)
            && time.GetUtcNow().ToUnixTimeSeconds() < expires
                ? parts[0]
                : null;
    }

    private byte[] Sign(string payload) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload));
}

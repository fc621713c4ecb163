using System.Globalization;
using System.Text;

namespace FsBitrix.Simulator.Wire;

/// <summary>The frames mod_event_socket writes, byte for byte (LF only; Content-Length counts bytes).</summary>
internal static class Frames
{
    public const string Goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

    public static byte[] AuthRequest { get; } = "Content-Type: auth/request\n\n"u8.ToArray();

    public static byte[] Reply(string text) => Encoding.UTF8.GetBytes($"Content-Type: command/reply\nReply-Text: {text}\n\n");

    /// <summary>bgapi's reply: FreeSWITCH's <c>~</c> form adds the Job-UUID header after Reply-Text.</summary>
    public static byte[] JobAccepted(string jobUuid) =>
        Encoding.UTF8.GetBytes($"Content-Type: command/reply\nReply-Text: +OK Job-UUID: {jobUuid}\nJob-UUID: {jobUuid}\n\n");

    public static byte[] ApiResponse(string output) => WithBody("Content-Type: api/response\n", output);

    public static byte[] Event(string serialized, string format) =>
        WithBody(string.Empty, serialized, $"Content-Type: text/event-{format}\n");

    public static byte[] DisconnectNotice() => WithBody("Content-Type: text/disconnect-notice\n", Goodbye);

    // Event frames start with Content-Length; the others with Content-Type (as in the captures).
    private static byte[] WithBody(string before, string body, string after = "")
    {
        byte[] payload = Encoding.UTF8.GetBytes(body);
        byte[] head = Encoding.UTF8.GetBytes(
            before + "Content-Length: " + payload.Length.ToString(CultureInfo.InvariantCulture) + "\n" + after + "\n");
        return [.. head, .. payload];
    }
}

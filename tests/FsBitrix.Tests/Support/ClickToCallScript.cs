using System.Text;
using System.Text.RegularExpressions;

namespace FsBitrix.Tests.Support;

/// <summary>
/// Plays the s12/s13 click-to-call captures as the answer to the originate the service really sent: the capture's
/// origination UUID, Job-UUID and <c>bitrix_call_id</c> become the service's, everything else gets fresh UUIDs, and
/// every frame is re-framed so Content-Length stays right. Edits turn s12 into the other ways a client can fail.
/// </summary>
internal static partial class ClickToCallScript
{
    /// <summary>The PSTN (client) leg of s12.</summary>
    public const string S12ClientLeg = "34d455a6-67cf-47fc-b06e-74592229ba38";

    /// <param name="leg">The service's leg UUID the capture's rep leg becomes (default: the originate's first).</param>
    public static List<byte[]> Frames(string capture, BgapiCommand originate, string recordingsFolder, Func<string, string?>? edit = null,
        string? leg = null)
    {
        byte[] raw = Fixtures.Bytes("scenarios/" + capture);
        string text = Encoding.UTF8.GetString(raw);
        string capturedLeg = Header(text, "variable_origination_uuid");
        string job = BackgroundJobUuid().Match(text).Groups[1].Value;
        string callId = Header(text, "variable_bitrix_call_id");
        var keep = new Dictionary<string, string> { [capturedLeg] = leg ?? originate.LegUuids[0], [job] = originate.JobUuid };
        string ours = originate.BitrixCallId!;
        (List<byte[]> frames, _) = CaptureFreeSwitch.Prepare(raw, recordingsFolder, keep,
            body => edit is null ? body.Replace(callId, ours, StringComparison.Ordinal) : edit(body)?.Replace(callId, ours, StringComparison.Ordinal));
        return frames;
    }

    /// <summary>
    /// s12 where the client never answers: their leg ends with <paramref name="cause"/> and, when the far end sent
    /// one, the final SIP status; no answer, no bridge, no talk time.
    /// </summary>
    public static Func<string, string?> ClientFails(string cause, string? sipStatus) => body =>
    {
        bool clientLeg = body.Contains("\nUnique-ID: " + S12ClientLeg + "\n", StringComparison.Ordinal);
        string name = body[..body.IndexOf('\n', StringComparison.Ordinal)];
        if (name is "Event-Name: CHANNEL_BRIDGE" or "Event-Name: CHANNEL_UNBRIDGE" || (clientLeg && name == "Event-Name: CHANNEL_ANSWER"))
        {
            return null;
        }

        if (!clientLeg)
        {
            return body;
        }

        // Never answered: no answer time either (a real unanswered leg reports 0).
        body = AnswerTime().Replace(body, "variable_answer_$1epoch: 0\n");
        string failed = body.Replace("Hangup-Cause: NORMAL_CLEARING", "Hangup-Cause: " + cause, StringComparison.Ordinal)
            .Replace("variable_hangup_cause: NORMAL_CLEARING", "variable_hangup_cause: " + cause, StringComparison.Ordinal)
            .Replace("variable_billmsec: 3000\n", "variable_billmsec: 0\n", StringComparison.Ordinal);
        return failed.Replace("variable_billsec: 3\n",
            "variable_billsec: 0\n" + (sipStatus is null ? string.Empty : $"variable_sip_term_status: {sipStatus}\n"), StringComparison.Ordinal);
    };

    /// <summary>The rep's leg rings another extension (the capture's is 1001).</summary>
    public static Func<string, string?> RepIs(string extension) =>
        body => body.Replace("Caller-Destination-Number: 1001\n", $"Caller-Destination-Number: {extension}\n", StringComparison.Ordinal);

    /// <summary>s13's rep leg up to its ringing, without its end or its job (a ring-all leg still ringing).</summary>
    public static string? StillRinging(string body) =>
        EventName(body) is "CHANNEL_HANGUP" or "CHANNEL_HANGUP_COMPLETE" or "CHANNEL_DESTROY" or "BACKGROUND_JOB" or "API" ? null : body;

    /// <summary>s13's rep leg's end only, as a ring-all leg that lost to a colleague who answered.</summary>
    public static string? LostTheRace(string body) =>
        EventName(body) is "CHANNEL_HANGUP" or "CHANNEL_HANGUP_COMPLETE" ? body.Replace("NO_ANSWER", "LOSE_RACE", StringComparison.Ordinal) : null;

    private static string EventName(string body) => body[..body.IndexOf('\n', StringComparison.Ordinal)]["Event-Name: ".Length..];

    /// <summary>A BACKGROUND_JOB as FreeSWITCH sends it when an originate returns.</summary>
    public static byte[] BackgroundJob(string jobUuid, string output)
    {
        byte[] body = Encoding.UTF8.GetBytes(output + "\n");
        string headers = $"Event-Name: BACKGROUND_JOB\nCore-UUID: 58eba2d1-0e63-403c-9352-b1ee4c6895fb\nEvent-Date-Timestamp: {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000}\n"
            + $"Job-UUID: {jobUuid}\nJob-Command: originate\nContent-Length: {body.Length}\n\n";
        byte[] inner = [.. Encoding.UTF8.GetBytes(headers), .. body];
        return [.. Encoding.ASCII.GetBytes($"Content-Length: {inner.Length}\nContent-Type: text/event-plain\n\n"), .. inner];
    }

    private static string Header(string text, string name) =>
        Regex.Match(text, "\n" + Regex.Escape(name) + ": ([^\n]+)\n").Groups[1].Value;

    [GeneratedRegex("\nEvent-Name: BACKGROUND_JOB\n(?:[^\n]+\n)*?Job-UUID: ([0-9a-f-]{36})\n")]
    private static partial Regex BackgroundJobUuid();

    [GeneratedRegex(@"variable_answer_(u?)epoch: \d+\n")]
    private static partial Regex AnswerTime();
}

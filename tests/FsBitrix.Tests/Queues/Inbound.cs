namespace FsBitrix.Tests.Queues;

/// <summary>
/// The inbound socket's side of a queue call: a capture's events with its customer leg as the fake socket's caller
/// and its agent legs as the legs the service chose (origination_uuid), so the reducer and the presence see them.
/// </summary>
internal sealed class Inbound
{
    private readonly CapturedFrames _capture;

    public Inbound(string capture, string capturedCustomer, string callerUuid)
    {
        _capture = CapturedFrames.Load(capture);
        Uuids[capturedCustomer] = callerUuid;
    }

    /// <summary>Captured UUID → the one played; add agent legs before playing their events.</summary>
    public Dictionary<string, string> Uuids { get; } = new(StringComparer.Ordinal);

    /// <summary>Every event before <paramref name="leg"/> is created (the caller arriving, the socket app starting).</summary>
    public List<byte[]> Before(string leg, Func<string, string>? edit = null) => Render(_capture.Events().TakeWhile(b => !IsCreateOf(b, leg)), edit);

    /// <summary>From <paramref name="leg"/>'s creation to the end.</summary>
    public List<byte[]> From(string leg, Func<string, string>? edit = null) => Render(_capture.Events().SkipWhile(b => !IsCreateOf(b, leg)), edit);

    /// <summary>Swaps one extension for another in an event (a captured agent played as a colleague).</summary>
    public static Func<string, string> Extension(string captured, string played) =>
        text => System.Text.RegularExpressions.Regex.Replace(text, $@"\b{captured}\b", played);

    /// <summary>Splits frames before the first event named <paramref name="eventName"/>.</summary>
    public static (List<byte[]> Before, List<byte[]> From) Split(List<byte[]> frames, string eventName)
    {
        int at = frames.FindIndex(f => System.Text.Encoding.UTF8.GetString(f).Contains("\nEvent-Name: " + eventName + "\n", StringComparison.Ordinal));
        at = at < 0 ? frames.Count : at;
        return ([.. frames.Take(at)], [.. frames.Skip(at)]);
    }

    /// <summary>Only these legs' events, e.g. one agent's leg played for another extension.</summary>
    public List<byte[]> Only(string[] legs, Func<string, string>? edit = null) => Render(_capture.Events(legs), edit);

    private List<byte[]> Render(IEnumerable<string> events, Func<string, string>? edit = null) =>
        [.. events.Select(e => CapturedFrames.Event(e, Uuids, edit))];

    private static bool IsCreateOf(string body, string leg) =>
        CapturedFrames.Header(body, "Event-Name") == "CHANNEL_CREATE" && CapturedFrames.Header(body, "Unique-ID") == leg;
}

/// <summary>Leg UUIDs of the captures (from their notes).</summary>
internal static class Legs
{
    public const string S9Customer = "9dbf1cff-959f-4057-b8e6-64ba469dcdfc";
    public const string S9Agent1001 = "66f857ab-8e80-4d28-884e-b655006bbb6e";
    public const string S16Customer = "1bc7867e-9b14-4310-92e2-85847eaf27ff";
    public const string S16Agent1001 = "e35b481b-4181-4217-a0c4-ae22241ef80e";
    public const string S16Agent1002 = "4d7efac2-ae79-4888-a0c8-5622b8d0a7c5";
    public const string S17Customer = "6e9dc129-b0df-4a0a-89a9-676dc57cc229";
    public const string S17Agent1001 = "3ca7d8f9-7ecf-4d9e-b626-218c5b3d1b70";
    public const string S2Customer = "d30b1f3b-745f-4479-86c0-09d9619a4858";
    public const string S2Agent1001 = "d5d45690-0c5c-4a6e-8f98-fdefa9842661";
    public const string S2Agent1002 = "bb03ac7d-e4b6-487b-819e-f1a62a0b95e4";
}

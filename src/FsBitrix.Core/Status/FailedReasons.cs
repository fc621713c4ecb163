using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Status;

/// <summary>The free-text <c>FAILED_REASON</c> of an unanswered call, readable by a sales manager.</summary>
public static class FailedReasons
{
    public static string Describe(HangupCause? cause, string? sipTermStatus)
    {
        string what = cause switch
        {
            HangupCause.USER_BUSY or HangupCause.BUSY_EVERYWHERE => "Busy",
            HangupCause.ORIGINATOR_CANCEL => "Caller hung up before an answer",
            HangupCause.NO_ANSWER or HangupCause.NO_USER_RESPONSE or HangupCause.ALLOTTED_TIMEOUT => "No answer",
            HangupCause.CALL_REJECTED or HangupCause.DECLINE => "Declined",
            HangupCause.USER_NOT_REGISTERED or HangupCause.SUBSCRIBER_ABSENT => "Phone not reachable",
            null => "Not answered",
            _ => "Not connected",
        };

        return what + Detail(cause, sipTermStatus);
    }

    private static string Detail(HangupCause? cause, string? sipTermStatus) => (cause, sipTermStatus) switch
    {
        (null, null) => string.Empty,
        (null, { } sip) => $" (SIP {sip})",
        ({ } c, null) => $" ({c})",
        ({ } c, { } sip) => $" ({c}, SIP {sip})",
    };

    public static string RepDidNotAnswer(HangupCause? cause, string? sipTermStatus) =>
        RepDidNotAnswer(Describe(cause, sipTermStatus));

    public static string RepDidNotAnswer(string reason) => "The rep did not pick up: " + reason;

    /// <summary>The client was answered by the switch (an IVR, a queue) and left before any employee answered.</summary>
    public static string NoEmployeeAnswered(HangupCause? cause, string? sipTermStatus) =>
        "No employee answered" + Detail(cause, sipTermStatus);

    /// <summary>Nobody answered and the client left a voicemail message (attached as the call's recording).</summary>
    public const string VoicemailLeft = "No answer: the client left a voicemail message";

    /// <summary>No hangup was seen (it happened while the service was disconnected or down): no cause to tell.</summary>
    public const string EndNotSeen = "Not answered (the end of the call was not seen)";
}

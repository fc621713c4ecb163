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

        string detail = (cause, sipTermStatus) switch
        {
            (null, null) => string.Empty,
            (null, { } sip) => $" (SIP {sip})",
            ({ } c, null) => $" ({c})",
            ({ } c, { } sip) => $" ({c}, SIP {sip})",
        };

        return what + detail;
    }

    public static string RepDidNotAnswer(HangupCause? cause, string? sipTermStatus) =>
        RepDidNotAnswer(Describe(cause, sipTermStatus));

    public static string RepDidNotAnswer(string reason) => "The rep did not pick up: " + reason;

    /// <summary>No hangup was seen (it happened while the service was disconnected or down): no cause to tell.</summary>
    public const string EndNotSeen = "Not answered (the end of the call was not seen)";
}

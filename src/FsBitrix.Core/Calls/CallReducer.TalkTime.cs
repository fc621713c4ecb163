using FsBitrix.Core.Status;

namespace FsBitrix.Core.Calls;

// Talk time is the time the client talked with an employee. A client answered by the switch first (an IVR, a
// callcenter queue, voicemail) has been "answered" long before anybody spoke to them, so the client leg's billsec
// counts the greeting and the wait; the talk starts when the first employee answered.
public sealed partial class CallReducer
{
    // FreeSWITCH answers the client a few milliseconds after the agent in a plain bridge; answered this much earlier,
    // the client was answered by something that is not a person.
    private static readonly TimeSpan AnsweredBeforeEmployee = TimeSpan.FromSeconds(1);

    private static int InboundTalkSeconds(CallState state)
    {
        LegState client = state.Legs[0];
        DateTimeOffset? employeeAnswered = state.Legs
            .Where(l => l.Uuid != client.Uuid && l.Role != LegRole.Wire && l.Answered && l.AnsweredAt is not null)
            .Min(l => l.AnsweredAt);
        if (client.AnsweredAt is not { } clientAnswered || employeeAnswered is not { } talkStart
            || talkStart - clientAnswered < AnsweredBeforeEmployee)
        {
            return client.Billsec;
        }

        // The client's billsec runs from its own answer; its end is that answer plus billsec when no end time is known.
        DateTimeOffset end = client.EndedAt ?? clientAnswered.AddSeconds(client.Billsec);
        int seconds = (int)Math.Round((end - talkStart).TotalSeconds, MidpointRounding.AwayFromZero);
        return Math.Clamp(seconds, 1, Math.Max(client.Billsec, 1));
    }

    // The client of a missed call may have been answered by the switch: then "not connected" would be wrong.
    private static string MissedReason(CallState state, LegState client)
    {
        if (!state.Voicemails.IsEmpty)
        {
            return FailedReasons.VoicemailLeft;
        }

        return client.Answered && !client.EndInferred
            ? FailedReasons.NoEmployeeAnswered(client.HangupCause, client.SipTermStatus)
            : Reason(client);
    }
}

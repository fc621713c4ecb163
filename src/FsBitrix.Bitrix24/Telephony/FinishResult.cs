namespace FsBitrix.Bitrix24.Telephony;

public enum FinishOutcome
{
    /// <summary>This finish ended the call; <see cref="FinishResult.Call"/> holds the statistics record.</summary>
    Finished,

    /// <summary>
    /// An earlier finish whose answer was lost (timeout, 5xx) did end the call: Bitrix24 now says
    /// "Call is not found". There is no statistics record to return.
    /// </summary>
    AlreadyFinished,
}

public sealed record FinishResult(FinishOutcome Outcome, FinishedCall? Call);

using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

/// <summary>
/// How urgent a command is when the portal's budget is short: a card is worth something only while the phone rings,
/// a hide only while a card is up, a finish only for the reports (it may come seconds late), a recording whenever.
/// </summary>
internal enum Lane
{
    /// <summary>Register and show: the rep's card while the phone rings.</summary>
    Ringing = 0,

    Hide = 1,

    Finish = 2,

    Recording = 3,
}

internal static class Lanes
{
    public static Lane Of(CallCommand command) => command switch
    {
        RegisterCall or ShowCard => Lane.Ringing,
        HideCard => Lane.Hide,
        FinishCall => Lane.Finish,
        _ => Lane.Recording,
    };

    /// <summary>The same order in SQL, over the outbox's <c>kind</c> column.</summary>
    public const string SqlOrder = "CASE kind WHEN 'RegisterCall' THEN 0 WHEN 'ShowCard' THEN 0 WHEN 'HideCard' THEN 1 WHEN 'FinishCall' THEN 2 ELSE 3 END";
}

/// <summary>Commands waiting in one lane, and when the oldest of them was written.</summary>
internal sealed record LaneBacklog(Lane Lane, long Waiting, DateTimeOffset Oldest);

/// <summary>The oldest command waiting in a lane: what it is, for which call, how often it was tried and why it failed.</summary>
internal sealed record WaitingCommand(Lane Lane, string Kind, string CallKey, int Attempts, string? LastError, DateTimeOffset NotBefore, DateTimeOffset CreatedAt);

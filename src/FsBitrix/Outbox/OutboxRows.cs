using System.Data.Common;
using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

/// <summary>
/// What both outbox providers read and decide the same way: a pending command's row (the columns of
/// <see cref="EntryColumns"/>, in that order), when a new command falls due, and what a held finish takes from the CDRs.
/// </summary>
internal static class OutboxRows
{
    /// <summary>More than a batch holds: a call's queue is read only as far as one request could take it.</summary>
    public const int QueueDepth = 60;

    public const string EntryColumns = "id, call_key, kind, payload, attempts, last_error, ambiguous, not_before, created_at";

    public static OutboxEntry Entry(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), CommandCodec.Decode(reader.GetString(2), reader.GetString(3)),
            reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6) != 0)
        {
            NotBefore = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        };

    /// <summary>A row of <see cref="OutboxSql.BacklogByLane"/>.</summary>
    public static LaneBacklog Backlog(DbDataReader reader) =>
        new((Lane)reader.GetInt32(0), reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));

    /// <summary>A row of <see cref="OutboxSql.OldestWaiting"/>.</summary>
    public static WaitingCommand Waiting(DbDataReader reader) =>
        new((Lane)reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)));

    /// <summary>Whether the command waits for the call's CDRs (a finish whose end was inferred, with CDRs read).</summary>
    public static bool AwaitsCdr(CallCommand command, TimeSpan estimatedFinishWait) =>
        command is FinishCall { Estimated: true } && estimatedFinishWait > TimeSpan.Zero;

    /// <summary>
    /// When a command written at <paramref name="now"/> may go (0: at once): a card after its coalescing wait, a held
    /// finish after the CDRs' wait.
    /// </summary>
    public static long NotBefore(CallCommand command, long now, TimeSpan cardCoalescing, TimeSpan estimatedFinishWait) =>
        command is ShowCard or HideCard ? now + (long)cardCoalescing.TotalMilliseconds
        : AwaitsCdr(command, estimatedFinishWait) ? now + (long)estimatedFinishWait.TotalMilliseconds
        : 0;

    /// <summary>
    /// A held finish corrected by the call's CDRs: the live call's own identity stays (its key, the portal's CALL_ID);
    /// what the CDRs know replaces the guess.
    /// </summary>
    public static FinishCall Corrected(FinishCall estimate, FinishCall fromCdr) => estimate with
    {
        Duration = fromCdr.Duration,
        Status = fromCdr.Status,
        FailedReason = fromCdr.FailedReason,
        UserPhoneInner = fromCdr.UserPhoneInner ?? estimate.UserPhoneInner,
        UserId = estimate.UserId ?? fromCdr.UserId,
        Estimated = false,
    };

    /// <summary>Whether Bitrix24 takes this command once per CALL_ID at most (after a finish, nothing of the card).</summary>
    public static bool EndsOrShowsCard(CallCommand command) => command is FinishCall or ShowCard or HideCard;
}

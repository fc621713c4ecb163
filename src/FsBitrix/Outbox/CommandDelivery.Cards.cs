using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Batch;
using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

// Card commands due together (a head and its followers) leave as one request: a plain show or hide when they are
// all of one kind, else one batch of show/hide runs in their order (hide the rep, show the ring group).
internal sealed partial class CommandDelivery
{
    private async Task<DeliveryResult> CardAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        if (CardRunsOf(entry, out List<CardRun> runs, out string skipped) is { } unsendable)
        {
            return unsendable;
        }

        if (await CallIdOfAsync(entry.Command, cancellationToken).ConfigureAwait(false) is not { } callId)
        {
            return new DeliveryResult.Refused("the call has no CALL_ID: its register was refused");
        }

        bool ok = runs.Count == 1
            ? await (runs[0].Show ? client.ShowCallAsync(callId, runs[0].UserIds, cancellationToken) : client.HideCallAsync(callId, runs[0].UserIds, cancellationToken))
                .ConfigureAwait(false)
            : await BatchAsync(callId, runs, cancellationToken).ConfigureAwait(false);
        return CardsDone(runs, ok, skipped);
    }

    private static DeliveryResult.Done CardsDone(List<CardRun> runs, bool ok, string skipped) =>
        new($"{string.Join("; ", runs.Select(r => r.ToString()))}{(ok ? string.Empty : " (portal said false)")}{skipped}");

    /// <summary>
    /// The card commands of a unit as runs of one kind (show to these users, then hide from those); null when there is
    /// something to send, else what became of the unit (no phone has a Bitrix24 user).
    /// </summary>
    private DeliveryResult? CardRunsOf(OutboxEntry entry, out List<CardRun> runs, out string skipped)
    {
        runs = [];
        var unknown = new List<string>();
        foreach (CallCommand command in entry.Followers.Select(f => f.Command).Prepend(entry.Command))
        {
            (bool show, string extension) = command is ShowCard s ? (true, s.UserPhoneInner) : (false, ((HideCard)command).UserPhoneInner);
            if (users.UserIdOf(extension) is not { } id)
            {
                if (!unknown.Contains(extension))
                {
                    unknown.Add(extension);
                }

                continue;
            }

            if (runs.Count == 0 || runs[^1].Show != show)
            {
                runs.Add(new CardRun(show, []));
            }

            if (!runs[^1].UserIds.Contains(id))
            {
                runs[^1].UserIds.Add(id);
            }
        }

        skipped = unknown.Count > 0 ? $"; no Bitrix24 user for {string.Join(", ", unknown)}" : string.Empty;
        if (runs.Count == 0)
        {
            return users.IsReady
                ? new DeliveryResult.Refused($"extension {string.Join(", ", unknown)} has no Bitrix24 user (set UF_PHONE_INNER or the Users map)")
                : new DeliveryResult.Retry("the Bitrix24 user list has not been read yet", options.FirstRetry, false);
        }

        return null;
    }

    private async Task<bool> BatchAsync(string callId, List<CardRun> runs, CancellationToken cancellationToken)
    {
        BatchCommand[] commands = [.. runs.Select((r, i) => r.Show
            ? TelephonyBatch.Show("show" + i, callId, r.UserIds)
            : TelephonyBatch.Hide("hide" + i, callId, r.UserIds))];
        BatchResult result = await client.BatchAsync(commands, halt: false, cancellationToken).ConfigureAwait(false);
        bool ok = true;
        foreach (BatchCommand command in commands)
        {
            // A failed run fails the set, which is sent again whole: show and hide may be repeated.
            ok &= result.CardChanged(command.Key, command.Method);
        }

        return ok;
    }

    private sealed record CardRun(bool Show, List<int> UserIds)
    {
        public override string ToString() => $"{(Show ? "shown to" : "hidden from")} user(s) {string.Join(", ", UserIds)}";
    }
}

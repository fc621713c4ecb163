using System.Collections.Concurrent;
using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Outbox;

/// <summary>
/// The <c>searchCrmEntities</c> answers that travelled with an inbound call's <c>register</c> (one <c>batch</c>
/// request), handed to whoever wants the caller's responsible rep: the queue handler. The register may be delivered
/// before or after the handler asks, so an answer waits here a while for it; a failed register tells a waiting
/// handler at once, because a caller must not hear ringback for a CRM that is not answering.
/// </summary>
internal sealed class CallerCrmMatches(bool searchInboundCalls, TimeProvider time)
{
    /// <summary>How long an answer nobody asked for is kept (the handler asks within a second of the call's start).</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether inbound registers carry the search. Set when a queue rings the responsible rep first: the register of a
    /// call is usually sent before the dialplan hands it to the queue, so waiting to be asked would be too late.
    /// </summary>
    public bool SearchInboundCalls { get; } = searchInboundCalls;

    /// <summary>The matches of the call's number, or null when its register failed or did not come in time.</summary>
    public async Task<IReadOnlyList<CrmEntityMatch>?> WaitAsync(string callKey, TimeSpan patience, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        Slot slot = _slots.GetOrAdd(callKey, _ => new Slot(time.GetUtcNow()));
        try
        {
            return await slot.Answer.Task.WaitAsync(patience, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _slots.TryRemove(new KeyValuePair<string, Slot>(callKey, slot));
        }
    }

    public void Found(string callKey, IReadOnlyList<CrmEntityMatch> matches) => Answer(callKey, matches);

    /// <summary>The register (and its search) failed this time; a retry that succeeds still brings the matches.</summary>
    public void Failed(string callKey) => Answer(callKey, null);

    private void Answer(string callKey, IReadOnlyList<CrmEntityMatch>? matches)
    {
        DateTimeOffset now = time.GetUtcNow();
        Slot slot = _slots.GetOrAdd(callKey, _ => new Slot(now));
        if (!slot.Answer.TrySetResult(matches))
        {
            // Answered before (a failure, then the retry that worked): the newer answer wins for a later asker.
            var fresh = new Slot(now);
            fresh.Answer.SetResult(matches);
            _slots[callKey] = fresh;
        }

        foreach ((string key, Slot old) in _slots)
        {
            if (now - old.Since > KeptFor)
            {
                _slots.TryRemove(new KeyValuePair<string, Slot>(key, old));
            }
        }
    }

    private sealed class Slot(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;

        public TaskCompletionSource<IReadOnlyList<CrmEntityMatch>?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

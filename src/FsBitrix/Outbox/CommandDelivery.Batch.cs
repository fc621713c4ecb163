using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

// Many calls' commands in one batch request. Each unit becomes one or more batch commands; a command that needs a CALL_ID
// its register has not brought back yet takes it from the register's answer in the same batch ($result[r3][CALL_ID]).
// The answer is read unit by unit, with the same rules as a request of its own: one unit's error never fails another.
internal sealed partial class CommandDelivery
{
    /// <summary>What a unit costs in a batch: a register that searches the CRM is two commands, a card unit one per run.</summary>
    public int CommandsOf(OutboxEntry unit) => unit.Command switch
    {
        RegisterCall register => SearchesCrm(register) ? 2 : 1,
        ShowCard or HideCard => 1 + unit.Followers.Select(f => f.Command is ShowCard).Prepend(unit.Command is ShowCard)
            .Zip(unit.Followers.Select(f => f.Command is ShowCard)).Count(p => p.First != p.Second),
        _ => 1,
    };

    /// <summary>
    /// True while a method of the unit should not run: the portal blocks it for its operating time, or it is close to
    /// that limit (<see cref="Bitrix24.Retry.OperatingLimits.HeldUntil"/>). Other methods go on.
    /// </summary>
    public bool Held(OutboxEntry unit) => (client as Bitrix24.Bitrix24Client)?.Operating is { } operating
        && MethodsOf(unit).Any(m => operating.HeldUntil(m) is not null);

    /// <summary>The telephony methods held for their operating time now (health).</summary>
    public IReadOnlyList<string> HeldMethods() => (client as Bitrix24.Bitrix24Client)?.Operating is { } operating
        ? [.. Telephony.Where(m => operating.HeldUntil(m) is not null)]
        : [];

    private static readonly string[] Telephony =
    [
        Bitrix24.Bitrix24Methods.Register, Bitrix24.Bitrix24Methods.Show, Bitrix24.Bitrix24Methods.Hide,
        Bitrix24.Bitrix24Methods.Finish, Bitrix24.Bitrix24Methods.AttachRecord, Bitrix24.Bitrix24Methods.SearchCrmEntities,
    ];

    private IEnumerable<string> MethodsOf(OutboxEntry unit) => unit.Command switch
    {
        RegisterCall r when SearchesCrm(r) => [Bitrix24.Bitrix24Methods.SearchCrmEntities, Bitrix24.Bitrix24Methods.Register],
        RegisterCall => [Bitrix24.Bitrix24Methods.Register],
        ShowCard or HideCard => unit.Followers.Select(f => f.Command).Prepend(unit.Command)
            .Select(c => c is ShowCard ? Bitrix24.Bitrix24Methods.Show : Bitrix24.Bitrix24Methods.Hide).Distinct(),
        FinishCall => [Bitrix24.Bitrix24Methods.Finish],
        _ => [Bitrix24.Bitrix24Methods.AttachRecord],
    };

    /// <summary>False for a unit that cannot ride in a batch: a recording uploaded as the file itself.</summary>
    public bool Batchable(OutboxEntry unit) => unit.Command is not AttachRecording || recordings.SendsLinks;

    /// <summary>Sends the chains as one batch; every unit comes back with what became of it, in the chains' order.</summary>
    public async Task<IReadOnlyList<(OutboxEntry Unit, DeliveryResult Result)>> DeliverBatchAsync(
        IReadOnlyList<CallChain> chains, CancellationToken cancellationToken)
    {
        var results = new List<(OutboxEntry, DeliveryResult)>();
        var sent = new List<SentUnit>();
        var commands = new List<BatchCommand>();
        foreach (CallChain chain in chains)
        {
            await PrepareChainAsync(chain, commands, sent, results, cancellationToken).ConfigureAwait(false);
        }

        if (commands.Count == 0)
        {
            return results;
        }

        BatchResult? answer = null;
        Bitrix24Exception? failed = null;
        try
        {
            answer = await client.BatchAsync(commands, halt: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Bitrix24Exception ex)
        {
            failed = ex;
        }

        var registerFailed = new HashSet<string>(StringComparer.Ordinal);
        var firstOfCall = new HashSet<string>(StringComparer.Ordinal);
        foreach (SentUnit unit in sent)
        {
            if (failed is not null && unit.Search is not null)
            {
                crmMatches.Failed(unit.Entry.CallKey);
            }

            // The whole request failed: each call's first command takes the failure (its backoff, its attempt); the ones
            // behind it wait behind it as they would have without a batch, keeping only what the attempt may have done.
            DeliveryResult result = failed is not null
                ? firstOfCall.Add(unit.Entry.CallKey) ? Classify(unit.Entry, failed) : Behind(failed)
                : unit.Register is { } own && registerFailed.Contains(unit.Entry.CallKey) && unit.Entry.Command is not RegisterCall
                    ? NotRun(own)
                    : await ReadAsync(unit, answer!, cancellationToken).ConfigureAwait(false);
            if (unit.Entry.Command is RegisterCall && result is not DeliveryResult.Done)
            {
                registerFailed.Add(unit.Entry.CallKey);
            }

            results.Add((unit.Entry, result));
        }

        return results;
    }

    private static DeliveryResult.Retry Behind(Bitrix24Exception failed) =>
        new("the request failed: " + failed.Message, TimeSpan.Zero, failed.MayHaveExecuted) { CountsAsAttempt = false };

    // A command that took its CALL_ID from a register that failed in the same batch ran with none: it did nothing, and
    // waits behind the register without counting an attempt.
    private static DeliveryResult.Retry NotRun(BatchReference register) =>
        new($"not run: the register it takes {register} from failed in the same batch", TimeSpan.Zero, false) { CountsAsAttempt = false };

    private async Task PrepareChainAsync(CallChain chain, List<BatchCommand> commands, List<SentUnit> sent,
        List<(OutboxEntry, DeliveryResult)> results, CancellationToken cancellationToken)
    {
        BatchReference? registered = null;
        string? callId = null;
        foreach (OutboxEntry unit in chain.Units)
        {
            string key = "u" + commands.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (unit.Command is RegisterCall register)
            {
                RegisterCallRequest request = RegisterRequestOf(register);
                string? search = SearchesCrm(register) ? key + "s" : null;
                if (search is not null)
                {
                    commands.Add(TelephonyBatch.SearchCrmEntities(search, register.PhoneNumber));
                }

                commands.Add(TelephonyBatch.Register(key, request));
                registered = new BatchReference(key, "CALL_ID");
                sent.Add(new SentUnit(unit, [key], search, null));
                continue;
            }

            callId ??= await CallIdOfAsync(unit.Command, cancellationToken).ConfigureAwait(false);
            if (callId is null && registered is not null && unit.Command is FinishCall or AttachRecording)
            {
                // Not with the register it depends on: were this request's answer lost (a crash, a timeout), both would
                // be sent again, and a register of a call already finished may open a second one. It goes in the next
                // request, once the register's CALL_ID is written down.
                return;
            }

            BatchReference? from = callId is null ? registered : null;
            if (callId is null && from is null)
            {
                results.Add((unit, new DeliveryResult.Refused("the call has no CALL_ID: its register was refused")));
                continue;
            }

            string id = callId ?? from!.ToString();
            switch (unit.Command)
            {
                case ShowCard or HideCard:
                    if (CardRunsOf(unit, out List<CardRun> runs, out string skipped) is { } unsendable)
                    {
                        results.Add((unit, unsendable));
                        if (unsendable is DeliveryResult.Retry)
                        {
                            // What follows in this call waits behind it.
                            return;
                        }

                        continue;
                    }

                    string[] keys = [.. runs.Select((_, i) => $"{key}c{i}")];
                    commands.AddRange(runs.Select((r, i) => r.Show
                        ? TelephonyBatch.Show(keys[i], id, r.UserIds, from)
                        : TelephonyBatch.Hide(keys[i], id, r.UserIds, from)));
                    sent.Add(new SentUnit(unit, keys, null, from) { Runs = runs, Skipped = skipped });
                    break;
                case FinishCall finish:
                    commands.Add(TelephonyBatch.Finish(key, FinishRequestOf(finish, id, unit.Ambiguous), from));
                    sent.Add(new SentUnit(unit, [key], null, from));
                    break;
                case AttachRecording record:
                    if (await recordings.PrepareAsync(id, record.FilePath, cancellationToken).ConfigureAwait(false)
                        is not Recordings.PreparedRecording.Ready { Request: { RecordUrl: not null } attach })
                    {
                        // Never appeared, still being encoded, or a file to upload after all: the request of its own decides.
                        return;
                    }

                    commands.Add(TelephonyBatch.AttachRecord(key, attach, from));
                    sent.Add(new SentUnit(unit, [key], null, from));
                    break;
            }
        }
    }

    private async Task<DeliveryResult> ReadAsync(SentUnit unit, BatchResult answer, CancellationToken cancellationToken)
    {
        try
        {
            switch (unit.Entry.Command)
            {
                case RegisterCall register:
                    return await RegisteredAsync(register, unit, answer, cancellationToken).ConfigureAwait(false);
                case ShowCard or HideCard:
                    bool ok = true;
                    foreach ((string key, CardRun run) in unit.Keys.Zip(unit.Runs))
                    {
                        ok &= answer.CardChanged(key, run.Show ? Bitrix24.Bitrix24Methods.Show : Bitrix24.Bitrix24Methods.Hide);
                    }

                    return CardsDone(unit.Runs, ok, unit.Skipped);
                case FinishCall finish:
                    return Finished(unit, finish, answer);
                default:
                    answer.Attached(unit.Keys[0]);
                    recordings.Attached(((AttachRecording)unit.Entry.Command).FilePath);
                    return new DeliveryResult.Done("recording attached");
            }
        }
        catch (Bitrix24Exception ex)
        {
            return Classify(unit.Entry, ex);
        }
    }

    private DeliveryResult Finished(SentUnit unit, FinishCall finish, BatchResult answer)
    {
        try
        {
            answer.Finished(unit.Keys[0]);
            return new DeliveryResult.Done($"finished {BitrixVocabulary.StatusCodeOf(finish.Status)} {finish.Duration}s");
        }
        catch (Bitrix24Exception ex) when (ex.Kind == Bitrix24ErrorKind.CallNotFound && unit.Entry.Ambiguous)
        {
            // An earlier attempt whose answer was lost did finish it.
            return new DeliveryResult.Done("finish: already finished by an earlier attempt");
        }
    }

    private async Task<DeliveryResult> RegisteredAsync(RegisterCall register, SentUnit unit, BatchResult answer, CancellationToken cancellationToken)
    {
        RegisteredCall registered;
        try
        {
            registered = answer.Registered(unit.Keys[0]);
        }
        catch when (unit.Search is not null)
        {
            crmMatches.Failed(register.CallKey);
            throw;
        }

        await store.SetBitrixCallIdAsync(register.CallKey, registered.CallId, cancellationToken).ConfigureAwait(false);
        if (unit.Search is not { } search)
        {
            return new DeliveryResult.Done($"registered {registered.CallId}");
        }

        try
        {
            IReadOnlyList<CrmEntityMatch> matches = answer.CrmEntities(search);
            crmMatches.Found(register.CallKey, matches);
            return new DeliveryResult.Done($"registered {registered.CallId}; {matches.Count} CRM match(es)");
        }
        catch (Bitrix24Exception ex)
        {
            crmMatches.Failed(register.CallKey);
            return new DeliveryResult.Done($"registered {registered.CallId}; CRM search failed: {ex.ErrorDescription}");
        }
    }

    /// <summary>A unit in the batch: its command keys, and the register it takes its CALL_ID from, if any.</summary>
    private sealed record SentUnit(OutboxEntry Entry, IReadOnlyList<string> Keys, string? Search, BatchReference? Register)
    {
        public List<CardRun> Runs { get; init; } = [];

        public string Skipped { get; init; } = string.Empty;
    }
}

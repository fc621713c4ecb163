using FsBitrix.Configuration;
using FsBitrix.Core.Events;
using FsBitrix.Core.Queues;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Outbound;
using FsBitrix.Esl.Protocol;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>
/// One call handed over by the dialplan's <c>socket</c> application: take the channel, set the ringback, ask the
/// CRM for the client's rep while it plays, let the board drive the rings, and leave the socket only once the
/// caller has hung up (the linger notice), so the last events are seen and a transferred caller is not cut off.
/// </summary>
internal sealed partial class QueueCallHandler(
    DialSettings dial,
    QueueCatalog catalog,
    QueueBoard board,
    ResponsibleRep reps,
    QueueClock clock,
    ILogger<QueueCallHandler> logger)
{
    private static readonly TimeSpan CommandPatience = TimeSpan.FromSeconds(10);

    /// <param name="channel">The channel's data, as <c>connect</c> returned it.</param>
    public async Task RunAsync(EslOutboundSession session, EslEvent channel, CancellationToken cancellationToken)
    {
        await session.LingerAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await session.MyEventsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        string callKey = session.UniqueId ?? throw new InvalidOperationException("connect gave no Unique-ID");
        string? name = channel.GetVariable(ChannelEventFactory.QueueVariable);

        // The caller's company is the domain its DID (or its phone's directory entry) set: only its queues, agents and CRM.
        string company = catalog.CompanyOf(channel.GetVariable("domain_name"));
        if (catalog.Find(company, name) is not { } queue)
        {
            // The dialplan goes on after the socket action (an operator, voicemail…) rather than dropping the caller.
            LogUnknownQueue(callKey, name ?? "(fsbitrix_queue not set)", company.Length == 0 ? "FsBitrix:Queues" : $"the queues of company {company}");
            await session.ResumeAsync(cancellationToken).ConfigureAwait(false);
            await session.ExitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await PrepareAsync(session, catalog.Settings(company, name)!, cancellationToken).ConfigureAwait(false);
        string? caller = channel[EslHeaders.CallerCallerIdNumber];
        LogEntered(callKey, queue.Key, Logging.PersonalData.Mask(caller ?? "?"));
        LogCaller(callKey, caller ?? "?");
        QueueCallDriver driver = new(session, board, callKey, dial.Extension, catalog.ContextOf(company), clock.Time, logger);
        await using (driver.ConfigureAwait(false))
        {
            board.Enter(callKey, queue, driver);
            try
            {
                await RingUntilHangupAsync(session, callKey, queue, caller, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                board.Leave(callKey);
            }
        }

        await ExitAsync(session).ConfigureAwait(false);
    }

    private async Task RingUntilHangupAsync(EslOutboundSession session, string callKey, QueueDefinition queue, string? caller,
        CancellationToken cancellationToken)
    {
        Task<string?> rep = queue.ResponsibleFirst > TimeSpan.Zero
            ? reps.FindAsync(callKey, caller, queue.Domain, clock.Time, cancellationToken)
            : Task.FromResult<string?>(null);
        await Task.WhenAny(rep, session.HungUp).ConfigureAwait(false);
        if (!session.HungUp.IsCompleted)
        {
            board.Next(callKey, await rep.ConfigureAwait(false));
        }

        try
        {
            await session.HungUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EslDisconnectedException)
        {
            // FreeSWITCH closed the socket without a linger notice: the caller is gone all the same.
        }

        board.CallerHungUp(callKey);
    }

    // hangup_after_bridge: once the agent and caller are done the channel ends, instead of parking in the socket app.
    private static async Task PrepareAsync(EslOutboundSession session, QueueSettings settings, CancellationToken cancellationToken)
    {
        foreach (string variable in (string[])["hangup_after_bridge=true", "ringback=" + settings.Ringback, "instant_ringback=true"])
        {
            await session.ExecuteAsync("set", variable, eventLock: true, CommandPatience, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExitAsync(EslOutboundSession session)
    {
        try
        {
            await session.ExitAsync().ConfigureAwait(false);
        }
        catch (EslDisconnectedException)
        {
            // Already closed by FreeSWITCH.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue call {CallKey} from {Caller} entered queue {Queue}")]
    private partial void LogEntered(string callKey, string queue, string caller);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue call {CallKey}: caller's number {Caller}")]
    private partial void LogCaller(string callKey, string caller);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Call {CallKey} came to the queue socket for queue '{Queue}', which {Section} do not define; the dialplan continues")]
    private partial void LogUnknownQueue(string callKey, string queue, string section);
}

using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Outbound;
using FsBitrix.Esl.Protocol;
using FsBitrix.Outbox;
using FsBitrix.Tenants;
using Microsoft.Extensions.Logging;

namespace FsBitrix.OwnerLookup;

/// <summary>
/// One call handed over with <c>fsbitrix_lookup=owner</c>: wait (bounded) for the CRM search that travels with the
/// call's register, set <c>bitrix_owner_extension</c> (and <c>bitrix_owner_user_id</c>) on the channel when the owner
/// is found and at work, and hand the call back to the dialplan. A slow or failing portal never holds the caller
/// longer than <see cref="OwnerLookupSettings.Patience"/>: the dialplan then goes on with nothing set.
/// </summary>
internal sealed partial class OwnerLookupHandler(
    OwnerLookupSettings settings,
    CallSettings calls,
    CallerCrmMatches crmMatches,
    TenantPortals portals,
    TimeProvider time,
    ILogger<OwnerLookupHandler> logger)
{
    public const string LookupVariable = "fsbitrix_lookup";
    public const string ExtensionVariable = "bitrix_owner_extension";
    public const string UserIdVariable = "bitrix_owner_user_id";

    public async Task RunAsync(EslOutboundSession session, EslEvent channel, CancellationToken cancellationToken)
    {
        string callKey = session.UniqueId ?? throw new InvalidOperationException("connect gave no Unique-ID");
        string? caller = channel[EslHeaders.CallerCallerIdNumber];

        // The CRM searched is the company's whose DID it is (domain_name), and so is the owner's extension.
        TenantPortal portal = portals.Find(channel.GetVariable("domain_name")?.ToLowerInvariant() ?? string.Empty) ?? portals.Default;
        (string Extension, int UserId)? owner = await FindAsync(callKey, caller, portal.Directory, cancellationToken).ConfigureAwait(false);
        if (owner is { } found)
        {
            // uuid_setvar answers at once; a `set` execution would need this channel's events to know it ran.
            await session.ApiAsync($"uuid_setvar {callKey} {ExtensionVariable} {found.Extension}", cancellationToken).ConfigureAwait(false);
            await session.ApiAsync($"uuid_setvar {callKey} {UserIdVariable} {found.UserId}", cancellationToken).ConfigureAwait(false);
            LogFound(callKey, found.Extension);
        }

        await session.ResumeAsync(cancellationToken).ConfigureAwait(false);
        await session.ExitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string Extension, int UserId)?> FindAsync(string callKey, string? caller, Bitrix24UserDirectory directory,
        CancellationToken cancellationToken)
    {
        // A colleague or a hidden number is registered without a CRM search: nothing to wait for.
        if (string.IsNullOrWhiteSpace(caller) || !PhoneNumbers.IsExternal(caller, calls))
        {
            return null;
        }

        IReadOnlyList<CrmEntityMatch>? matches = await crmMatches
            .WaitAsync(callKey, settings.Patience, time, cancellationToken).ConfigureAwait(false);
        if (matches is null)
        {
            LogNoAnswer(callKey);
            return null;
        }

        return ClientOwner.Choose(matches, userId => directory.TryGetExtension(userId, out string ext) ? ext : null,
            settings.NotWorking);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallKey}: the client's owner is extension {Extension}")]
    private partial void LogFound(string callKey, string extension);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Call {CallKey}: the CRM did not answer the owner lookup in time (or failed); the dialplan goes on without an owner")]
    private partial void LogNoAnswer(string callKey);
}

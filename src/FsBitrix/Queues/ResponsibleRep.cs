using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Queues;
using FsBitrix.Outbox;
using FsBitrix.Tenants;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>
/// The extension of the client's responsible rep: the CRM matches of the caller's number (searched in the same
/// request as the call's register, see <see cref="CallerCrmMatches"/>), the first match's ASSIGNED_BY_ID, the user
/// directory. The caller hears ringback meanwhile, so the wait is bounded and any failure means "no rep": the queue
/// rings at once.
/// </summary>
internal sealed partial class ResponsibleRep(CallerCrmMatches crmMatches, TenantPortals portals, CallSettings calls,
    ILogger<ResponsibleRep> logger)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <param name="domain">The caller's company (null: the default): its CRM was searched, its directory knows the rep.</param>
    /// <returns>The rep as the queue names agents (<see cref="AgentAddress"/>), or null.</returns>
    public async Task<string?> FindAsync(string callKey, string? callerNumber, string? domain, TimeProvider time, CancellationToken cancellationToken)
    {
        // A colleague calling (or a hidden number) is registered without a search, so there is nothing to wait for.
        if (string.IsNullOrWhiteSpace(callerNumber) || !PhoneNumbers.IsExternal(callerNumber, calls))
        {
            return null;
        }

        IReadOnlyList<CrmEntityMatch>? matches = await crmMatches.WaitAsync(callKey, Patience, time, cancellationToken).ConfigureAwait(false);
        if (matches is null)
        {
            LogNoAnswer(callKey, Logging.PersonalData.Mask(callerNumber));
            return null;
        }

        foreach (CrmEntityMatch match in matches)
        {
            int userId = match.AssignedById ?? match.AssignedBy?.Id ?? 0;
            if (userId > 0 && (portals.Find(domain ?? string.Empty) ?? portals.Default).Directory.TryGetExtension(userId, out string extension))
            {
                return AgentAddress.Of(extension, domain);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No responsible rep for {Caller} of call {CallKey}: the register with its CRM search failed or did not answer in time; the queue rings at once")]
    private partial void LogNoAnswer(string callKey, string caller);
}

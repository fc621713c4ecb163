using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Users;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>
/// The extension of the client's responsible rep: <c>searchCrmEntities</c> by the caller's number, the first match's
/// ASSIGNED_BY_ID, the user directory. The caller hears ringback meanwhile, so the wait is bounded and any failure
/// means "no rep": the queue rings at once.
/// </summary>
internal sealed partial class ResponsibleRep(IBitrix24Client client, Bitrix24UserDirectory directory, ILogger<ResponsibleRep> logger)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    public async Task<string?> FindAsync(string? callerNumber, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(callerNumber))
        {
            return null;
        }

        try
        {
            IReadOnlyList<CrmEntityMatch> matches = await client.SearchCrmEntitiesAsync(callerNumber, cancellationToken)
                .WaitAsync(Patience, time, cancellationToken).ConfigureAwait(false);
            foreach (CrmEntityMatch match in matches)
            {
                int userId = match.AssignedById ?? match.AssignedBy?.Id ?? 0;
                if (userId > 0 && directory.TryGetExtension(userId, out string extension))
                {
                    return extension;
                }
            }

            return null;
        }
#pragma warning disable CA1031 // the caller must never wait on the CRM: whatever failed, the queue rings
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogLookupFailed(callerNumber, ex.GetType().Name, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No responsible rep for {Caller} ({Error}: {Reason}); the queue rings at once")]
    private partial void LogLookupFailed(string caller, string error, string reason);
}

using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Users;

namespace FsBitrix.Bitrix24;

/// <summary>The Bitrix24 REST methods FsBitrix uses. Every method throws <see cref="Errors.Bitrix24Exception"/> on failure.</summary>
public interface IBitrix24Client
{
    /// <summary><c>telephony.externalcall.register</c>; retried with the same EXTERNAL_CALL_ID, which Bitrix24 de-duplicates.</summary>
    Task<RegisteredCall> RegisterCallAsync(RegisterCallRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>telephony.externalcall.show</c>: true if the card was shown, false if the call is not live.</summary>
    Task<bool> ShowCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default);

    /// <summary><c>telephony.externalcall.hide</c>: true if hidden, false if the call is not live.</summary>
    Task<bool> HideCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default);

    /// <summary><c>telephony.externalcall.finish</c>; never sent twice unless the first certainly did not run.</summary>
    Task<FinishResult> FinishCallAsync(FinishCallRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>telephony.externalcall.attachRecord</c>; call only after a successful finish.</summary>
    Task<AttachedRecord> AttachRecordAsync(AttachRecordRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>telephony.externalcall.searchCrmEntities</c>: contacts, then leads, then companies with this number.</summary>
    Task<IReadOnlyList<CrmEntityMatch>> SearchCrmEntitiesAsync(string phoneNumber, CancellationToken cancellationToken = default);

    /// <summary>One page of <c>user.get</c> starting at <paramref name="start"/>.</summary>
    Task<UserPage> GetUsersPageAsync(UserFilter filter, long start = 0, CancellationToken cancellationToken = default);

    /// <summary>All pages of <c>user.get</c>, following <c>next</c>.</summary>
    Task<IReadOnlyList<Bitrix24User>> GetUsersAsync(UserFilter filter, CancellationToken cancellationToken = default);

    /// <summary><c>batch</c> of at most 50 commands; per-command failures come back in <see cref="BatchResult.Errors"/>.</summary>
    Task<BatchResult> BatchAsync(IReadOnlyList<BatchCommand> commands, bool halt = false, CancellationToken cancellationToken = default);
}

using System.Text.Json.Serialization;
using FsBitrix.Core.Status;

namespace FsBitrix.Core.Calls;

/// <summary>
/// What the reducer asks of Bitrix24, in its vocabulary. <see cref="CallKey"/> orders commands per call in the
/// outbox. <see cref="BitrixCallId"/> is set when the portal already owns the call (click-to-call); when null,
/// the call's CALL_ID is the one its <see cref="RegisterCall"/> returned.
/// </summary>
public abstract record CallCommand(string CallKey, string? BitrixCallId);

public sealed record RegisterCall(
    string CallKey,
    string ExternalCallId,
    CallType Type,
    string PhoneNumber,
    string? LineNumber,
    string? UserPhoneInner,
    DateTimeOffset? StartedAt) : CallCommand(CallKey, null);

public sealed record ShowCard(string CallKey, string? BitrixCallId, string UserPhoneInner)
    : CallCommand(CallKey, BitrixCallId);

public sealed record HideCard(string CallKey, string? BitrixCallId, string UserPhoneInner)
    : CallCommand(CallKey, BitrixCallId);

/// <param name="Duration">Talk time in seconds (Bitrix24 counts a call successful when it is above 0).</param>
/// <param name="Status">How the call ended; stored as its code (<c>"StatusCode": "200"</c>), Bitrix24's STATUS_CODE at the boundary.</param>
/// <param name="UserId">
/// The Bitrix24 user the call is finished for, when known without an extension (the rep who clicked a number but
/// has no phone): it wins over <paramref name="UserPhoneInner"/>. Null: the extension's user, else the default user.
/// </param>
/// <param name="Estimated">
/// Some leg's end was not seen (an ESL gap, a restart, an idle call expired): its duration and status are inferred.
/// The service holds such a finish a while for the call's CDRs, which know.
/// </param>
public sealed record FinishCall(
    string CallKey,
    string? BitrixCallId,
    string? UserPhoneInner,
    int Duration,
    [property: JsonPropertyName("StatusCode")] CallStatus Status,
    string FailedReason,
    int? UserId = null,
    bool Estimated = false) : CallCommand(CallKey, BitrixCallId);

/// <summary>Sent after <see cref="FinishCall"/>: Bitrix24 attaches records to finished calls only.</summary>
public sealed record AttachRecording(string CallKey, string? BitrixCallId, string FilePath)
    : CallCommand(CallKey, BitrixCallId);

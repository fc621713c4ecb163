using FsBitrix.Core.Status;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Why a click-to-call got no channel, as the status and FAILED_REASON of its finish (words a sales manager can
/// read). When a channel did exist, the call tracker finishes from its events instead.
/// </summary>
internal readonly record struct OriginateOutcome(CallStatus Status, string FailedReason)
{
    public static OriginateOutcome NoExtension(int userId) => new(CallStatus.TemporarilyUnavailable,
        $"Bitrix24 user {userId} has no phone extension (set UF_PHONE_INNER or FsBitrix:Users), so the call could not be placed");

    public static OriginateOutcome NoCallbackExtension { get; } = new(CallStatus.TemporarilyUnavailable,
        "Nobody to ring for the callback: set FsBitrix:ClickToCall:CallbackExtension, or an extension for the "
        + "client's responsible or the default user");

    public static OriginateOutcome BadExtension(string extension) => new(CallStatus.TemporarilyUnavailable,
        $"Extension '{Printable(extension)}' cannot be dialled (unexpected characters)");

    public static OriginateOutcome BadNumber(string number) => new(CallStatus.InvalidNumber,
        $"The number '{Printable(number)}' cannot be dialled");

    public static OriginateOutcome Unreachable(string why) => new(CallStatus.ServiceUnavailable,
        "FreeSWITCH could not be asked to place the call: " + Printable(why));

    public static OriginateOutcome Restarted { get; } = new(CallStatus.ServiceUnavailable,
        "The service restarted before the call was placed; click the number again");

    public static OriginateOutcome LostInRestart { get; } = new(CallStatus.ServiceUnavailable,
        "The service restarted while placing the call, and FreeSWITCH has no trace of it; click the number again");

    /// <summary>
    /// <c>-ERR &lt;CAUSE&gt;</c>: FreeSWITCH tried and the rep's phone was not reached (not registered, busy, no
    /// answer). Anything else: FreeSWITCH refused the command itself.
    /// </summary>
    public static OriginateOutcome Failed(BackgroundJobResult result)
    {
        string cause = result.Value.Trim();
        return cause.Length > 0 && cause.All(c => char.IsAsciiLetterUpper(c) || c == '_')
            && Enum.TryParse(cause, ignoreCase: false, out HangupCause parsed)
            ? new(UnansweredStatus.ForCause(parsed), FailedReasons.RepDidNotAnswer(parsed, null))
            : new(CallStatus.ServiceUnavailable, "FreeSWITCH refused the originate: " + Printable(result.Output.Trim()));
    }

    private static string Printable(string text)
    {
        string flat = new([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
        return flat.Length > 120 ? flat[..120] + "…" : flat;
    }
}

using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Queues;

/// <summary>
/// Where a caller goes when the queue gives up (nobody free, or the maximum wait reached). Written in configuration as
/// <c>queue:support</c>, <c>extension:1099</c> (voicemail, an operator…) or <c>hangup:NO_ANSWER</c>.
/// </summary>
public abstract record QueueFallback
{
    private QueueFallback()
    {
    }

    /// <summary>The caller waits in another FsBitrix queue (its own maximum wait starts anew).</summary>
    public sealed record Queue(string Name) : QueueFallback;

    /// <summary>The caller is transferred to an extension of the dialplan, e.g. voicemail.</summary>
    public sealed record Extension(string Number) : QueueFallback;

    /// <summary>The caller is hung up with this cause (NO_ANSWER gives them a SIP 480).</summary>
    public sealed record Hangup(HangupCause Cause) : QueueFallback;

    public static QueueFallback NoAnswer { get; } = new Hangup(HangupCause.NO_ANSWER);

    public static bool TryParse(string? text, out QueueFallback? fallback)
    {
        fallback = null;
        int colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0)
        {
            return false;
        }

        string kind = text![..colon].Trim();
        string value = text[(colon + 1)..].Trim();
        if (value.Length == 0)
        {
            return false;
        }

        if (kind.Equals("queue", StringComparison.OrdinalIgnoreCase))
        {
            fallback = new Queue(value);
        }
        else if (kind.Equals("extension", StringComparison.OrdinalIgnoreCase))
        {
            fallback = new Extension(value);
        }
        else if (kind.Equals("hangup", StringComparison.OrdinalIgnoreCase)
            && Enum.TryParse(value, ignoreCase: true, out HangupCause cause) && !int.TryParse(value, out _))
        {
            fallback = new Hangup(cause);
        }

        return fallback is not null;
    }
}

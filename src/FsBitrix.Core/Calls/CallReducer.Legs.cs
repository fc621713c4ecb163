using FsBitrix.Core.Events;

namespace FsBitrix.Core.Calls;

// Who a leg is. The employee comes from the leg itself, never from a queue's agent name (FusionPBX names agents by
// UUID): the directory user the `user/` endpoint dialled, FusionPBX's dialed_extension, the presence id, else the
// number dialled when it is an extension. A loopback half is a wire; the leg a wire dials is the wire's employee's.
public sealed partial class CallReducer
{
    private CallState AddLeg(CallState state, ChannelEvent e)
    {
        string uuid = e.UniqueId!;
        if (IsOtherCompanys(state, e))
        {
            return state.WithLeg(new LegState(uuid, LegRole.Other, null));
        }

        string? employee = EmployeeOf(e);
        if (e.LoopbackLeg is not null)
        {
            return state.WithLeg(new LegState(uuid, LegRole.Wire, employee));
        }

        // A follow-me: the wire carries the employee, the leg it dials rings their mobile.
        employee ??= state.Leg(e.Originator) is { Role: LegRole.Wire, Extension: { } owner } ? owner : null;
        if (employee is not null)
        {
            return state.WithLeg(new LegState(uuid, LegRole.Agent, employee)) with { LastOfferedAgent = employee };
        }

        LegRole role = PhoneNumbers.IsExternal(e.DestinationNumber, _settings) ? LegRole.Customer : LegRole.Other;
        return state.WithLeg(new LegState(uuid, role, null));
    }

    private string? EmployeeOf(ChannelEvent e) =>
        Extension(e.DialedUser) ?? Extension(e.DialedExtension) ?? Extension(UserPart(e.PresenceId))
        ?? Extension(e.DestinationNumber);

    private string? Extension(string? number) => PhoneNumbers.IsExtension(number, _settings) ? number : null;

    private static string? UserPart(string? presenceId)
    {
        int at = presenceId?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        return at > 0 ? presenceId![..at] : presenceId;
    }

    // A service code (`*8` pickup, `**1001` intercept, `*98` voicemail) is not a call with anybody; a client's number
    // behind a prefix (`*67` + number, `#31#` + number) is.
    private bool IsFeatureCode(string? dialled) => dialled is ['*' or '#', ..] && !PhoneNumbers.IsExternal(dialled, _settings);
}

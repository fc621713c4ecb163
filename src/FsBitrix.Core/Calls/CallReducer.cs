using FsBitrix.Core.Events;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Calls;

/// <summary>
/// The call state machine, pure: (state, event) → (state, Bitrix24 commands). No I/O, no clock (time comes in
/// the events), no logging. Feed it the events <see cref="Routing.CallRouter"/> routes to one call, in order.
/// </summary>
public sealed partial class CallReducer(CallSettings settings)
{
    private readonly CallSettings _settings = settings ?? throw new ArgumentNullException(nameof(settings));

    public CallReducer()
        : this(CallSettings.Default)
    {
    }

    public CallSettings Settings => _settings;

    public (CallState State, IReadOnlyList<CallCommand> Commands) Reduce(CallState state, ChannelEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        if (state.IsOver)
        {
            return (state, []);
        }

        var commands = new List<CallCommand>();
        state = NoteAnswered(NoteDomain(state, e), e);
        state = state.Node is null && e.Node is not null ? state with { Node = e.Node } : state;
        CallState next = e.Kind switch
        {
            ChannelEventKind.Create or ChannelEventKind.ChannelData => OnCreate(state, e, commands),
            ChannelEventKind.Progress or ChannelEventKind.ProgressMedia => OnRinging(state, e, commands),
            ChannelEventKind.Answer => OnAnswer(state, e, commands),
            ChannelEventKind.Hangup => OnHangup(state, e),
            ChannelEventKind.HangupComplete => OnHangupComplete(state, e, commands),
            ChannelEventKind.RecordStart or ChannelEventKind.RecordStop => OnRecord(state, e),
            ChannelEventKind.VoicemailMessage => OnVoicemail(state, e),
            ChannelEventKind.LegJoined => OnLegJoined(state, e, commands),
            ChannelEventKind.LegLeft => OnLegLeft(state, e, commands),
            _ => state,
        };

        next = ReleaseHeld(next, commands, e);
        next = e.Timestamp > (next.LastEventAt ?? DateTimeOffset.MinValue) ? next with { LastEventAt = e.Timestamp } : next;
        return (next, next.Silent ? [] : commands);
    }

    private CallState OnCreate(CallState state, ChannelEvent e, List<CallCommand> commands)
    {
        if (e.UniqueId is null || state.Leg(e.UniqueId) is not null)
        {
            return state;
        }

        return state.Kind == CallKind.Unknown ? StartCall(state, e, commands) : AddLeg(state, e);
    }

    private CallState StartCall(CallState state, ChannelEvent e, List<CallCommand> commands)
    {
        string uuid = e.UniqueId!;
        string? caller = e.CallerIdNumber ?? e.OrigCallerIdNumber;
        string? dialled = e.DestinationNumber;
        state = state with { StartedAt = e.Timestamp, Queue = e.Queue };

        if (e.BitrixCallId is not null)
        {
            // The portal registered this call when the rep clicked; the rep's phone is dialled first.
            return state.WithLeg(new LegState(uuid, LegRole.Agent, dialled)) with
            {
                Kind = CallKind.ClickToCall,
                BitrixCallId = e.BitrixCallId,
                CallerExtension = dialled,
            };
        }

        if (e.Originator is not null || e.Direction != CallDirection.Inbound || string.IsNullOrEmpty(caller)
            || Routing.CallRouter.IsPartOfAnotherCall(e) || IsFeatureCode(dialled))
        {
            return state.WithLeg(new LegState(uuid, LegRole.Other, null)) with { Kind = CallKind.Untracked, Silent = true };
        }

        if (PhoneNumbers.IsExternal(caller, _settings))
        {
            state = state.WithLeg(new LegState(uuid, LegRole.Customer, null)) with
            {
                Kind = CallKind.Inbound,
                PhoneNumber = caller,
                LineNumber = dialled,
            };
            return HoldOrStart(state, commands);
        }

        bool internalCall = !PhoneNumbers.IsExternal(dialled, _settings);
        state = state.WithLeg(new LegState(uuid, LegRole.Agent, caller) { Offered = true }) with
        {
            Kind = internalCall ? CallKind.Internal : CallKind.Outbound,
            Silent = internalCall && _settings.SkipInternalCalls,
            PhoneNumber = dialled,
            CallerExtension = caller,
            CardsShownTo = [caller],
        };

        // The caller sees the card at once: they are looking at the client they are dialling.
        return state.Silent ? state : HoldOrStart(state, commands);
    }

    // With several companies on the switch the register waits for the call's domain (CallReducer.Tenant).
    private CallState HoldOrStart(CallState state, List<CallCommand> commands)
    {
        if (_settings.HoldUntilDomain && state.Domain is null)
        {
            return state with { FirstCommandsHeld = true };
        }

        commands.AddRange(FirstCommands(state));
        return state;
    }

    private static CallState OnRecord(CallState state, ChannelEvent e) =>
        e.RecordFilePath is { Length: > 0 } path && !state.Recordings.Contains(path)
            ? state with { Recordings = state.Recordings.Add(path) }
            : state;
}

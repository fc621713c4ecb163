using System.Threading.Channels;
using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

/// <summary>
/// Plays one <see cref="CallScript"/> against the switch. Event times follow the script's virtual timeline
/// (start + offsets), not the moment the code runs, so durations and billsec are exact at any speed; real waits
/// happen only for the script's ringing and talk spans, and an API intervention cuts a wait short.
/// </summary>
internal sealed partial class CallRun
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private readonly SimulatedSwitch _switch;
    private readonly SimulatorOptions _options;
    private readonly CallScript _script;
    private readonly Channel<Intervention> _control = Channel.CreateUnbounded<Intervention>();
    private readonly DateTimeOffset _start;
    private TimeSpan _offset;

    public CallRun(SimulatedSwitch sw, SimulatorOptions options, CallScript script)
    {
        _switch = sw;
        _options = options;
        _script = script;
        _start = sw.Clock.Now;
    }

    /// <summary>Virtual now of this call.</summary>
    private DateTimeOffset Now => _start + _offset;

    public Task PlayAsync(CancellationToken ct) => _script.Kind switch
    {
        FlowKind.ClickToCall => PlayClickToCallAsync(null, ct),
        _ => PlayBridgeAsync(ct),
    };

    /// <summary>Advances virtual time by a few milliseconds without waiting, as between a leg's answer and its bridge.</summary>
    private void Tick() => _offset += Step;

    /// <summary>Waits virtual time; returns early with an intervention if an ESL client sent one.</summary>
    private async Task<Intervention?> WaitAsync(TimeSpan span, CancellationToken ct)
    {
        if (_control.Reader.TryRead(out Intervention? pending))
        {
            return pending;
        }

        if (span <= TimeSpan.Zero)
        {
            return null;
        }

        DateTimeOffset realStart = _switch.Clock.Now;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task delay = _switch.Clock.Delay(span, wake.Token);
        Task<bool> signal = _control.Reader.WaitToReadAsync(wake.Token).AsTask();
        Task first = await Task.WhenAny(delay, signal).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (first == delay)
        {
            _offset += span;
            return null;
        }

        // Cut short: as much virtual time passed as the clock says, never more than the span.
        TimeSpan elapsed = _switch.Clock.Now - realStart;
        _offset += elapsed < span ? elapsed : span;
        return _control.Reader.TryRead(out Intervention? iv) ? iv : null;
    }

    private void Own(Leg leg) => leg.Control = _control.Writer;
}

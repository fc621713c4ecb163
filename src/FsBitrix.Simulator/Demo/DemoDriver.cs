using FsBitrix.Simulator.Flows;

namespace FsBitrix.Simulator.Demo;

/// <summary>
/// Keeps the simulated switch busy until cancelled: a mix of the standard flows (plain DIDs, ring groups, transfers,
/// outbound calls, and the real deployments' callcenter queue, voicemail, follow-me and IVR) between random customers,
/// DIDs and extensions, with varied ring and talk times and pauses, a few calls overlapping.
/// </summary>
public sealed class DemoDriver(FreeSwitchSimulator simulator, DemoOptions? options = null)
{
    private readonly DemoOptions _options = options ?? new DemoOptions();
    private readonly Random _random = options?.Seed is { } seed ? new Random(seed) : new Random();
    private readonly Lock _gate = new();

    /// <summary>Plays calls until <paramref name="cancellationToken"/> is cancelled, then lets the live ones end.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var live = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                live.RemoveAll(t => t.IsCompleted);
                if (live.Count >= _options.MaxConcurrentCalls)
                {
                    await Task.WhenAny(live).WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                live.Add(simulator.PlayAsync(Next(), CancellationToken.None));
                await simulator.Switch.Clock.Delay(Pause(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop starting calls; those already up end as scripted.
        }

        await Task.WhenAll(live).ConfigureAwait(false);
    }

    /// <summary>The next call: one of the standard flows with fresh parties and timings.</summary>
    public CallScript Next()
    {
        lock (_gate)
        {
            string customer = Pick(_options.Customers);
            if (_options.SecondDomain is { } domain && _random.Next(4) == 0)
            {
                return SecondCompanys(domain, customer);
            }

            string did = Pick(_options.Dids);
            string agent = Pick(_options.Extensions);
            string colleague = Pick(_options.Extensions.Where(x => x != agent).DefaultIfEmpty(agent).ToList());
            CallScript script = _random.Next(14) switch
            {
                0 or 1 => StandardFlows.InboundAnswered(customer, did, agent),
                2 => StandardFlows.RingAll(customer, did, agent, colleague),
                3 => StandardFlows.Sequential(customer, did, agent, colleague),
                4 => StandardFlows.Missed(customer, did, agent),
                5 => StandardFlows.Busy(customer, did, agent),
                6 => StandardFlows.BlindTransfer(customer, did, agent, colleague),
                7 or 8 => StandardFlows.Outbound(agent, Pick(_options.OutboundNumbers)),
                9 => StandardFlows.OutboundNoAnswer(agent, Pick(_options.OutboundNumbers)),

                // What real deployments run: a mod_callcenter queue, voicemail, a follow-me to a mobile, an IVR.
                10 => StandardFlows.CallcenterRingAll(customer, did, agent, colleague),
                11 => StandardFlows.VoicemailOnNoAnswer(customer, did, agent),
                12 => StandardFlows.FollowMe(customer, did, agent, Pick(_options.OutboundNumbers)),
                _ => StandardFlows.IvrThenAgent(customer, did, agent),
            };
            return script with
            {
                Talk = script.Talk + Seconds(0, 20),
                Rings = [.. script.Rings.Select(g => g with { Phones = [.. g.Phones.Select(p => p with { After = p.RingTime + Seconds(0, 4) })] })],
            };
        }
    }

    // The other company's calls: its DID rings its own extensions, dialled as directory users of its domain.
    private CallScript SecondCompanys(string domain, string customer)
    {
        string did = Pick(_options.SecondDids);
        string agent = Pick(_options.SecondExtensions);
        string colleague = Pick(_options.SecondExtensions.Where(x => x != agent).DefaultIfEmpty(agent).ToList());
        CallScript script = _random.Next(3) switch
        {
            0 => StandardFlows.RingAll(customer, did, agent, colleague),
            1 => StandardFlows.Missed(customer, did, agent),
            _ => StandardFlows.InboundAnswered(customer, did, agent),
        };
        return script with { Name = script.Name + " (" + domain + ")", Domain = domain, Talk = script.Talk + Seconds(0, 20) };
    }

    private TimeSpan Pause()
    {
        lock (_gate)
        {
            return _options.MinPause + ((_options.MaxPause - _options.MinPause) * _random.NextDouble());
        }
    }

    private TimeSpan Seconds(int min, int max) => TimeSpan.FromSeconds(_random.Next(min, max + 1));

    private string Pick(IReadOnlyList<string> items) => items[_random.Next(items.Count)];
}

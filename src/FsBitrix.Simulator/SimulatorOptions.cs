using FsBitrix.Simulator.Flows;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Simulator;

/// <summary>How the simulated FreeSWITCH listens, keeps time, names channels, and how phones it dials itself behave.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one (see <see cref="FreeSwitchSimulator.Port"/>). The demo uses 18021.</summary>
    public int Port { get; init; }

    public string Password { get; init; } = "ClueCon";

    /// <summary>Virtual seconds per real second: 1 for the demo, 100-1000 for tests.</summary>
    public double Speed { get; init; } = 1;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string Hostname { get; init; } = "fs-sim";

    /// <summary>
    /// The XML directory's users as <c>extension@domain</c>, listed by <c>api list_users</c>; empty: the command is
    /// unknown, as on a switch whose users live elsewhere.
    /// </summary>
    public IReadOnlyList<string> DirectoryUsers { get; init; } = [];

    /// <summary>Where recordings are written (a small WAV per recorded call); null reports paths but writes nothing.</summary>
    public string? RecordingsPath { get; init; }

    /// <summary>How a phone the simulator dials on a client's request behaves (click-to-call, uuid_transfer), by number.</summary>
    public IReadOnlyDictionary<string, Phone> Phones { get; init; } = new Dictionary<string, Phone>();

    /// <summary>A rep's phone not in <see cref="Phones"/>: answers after 1 s.</summary>
    public Phone DefaultRep { get; init; } = new("rep", PhoneAction.Answers, TimeSpan.FromSeconds(1));

    /// <summary>A client's phone not in <see cref="Phones"/>: answers after 2 s.</summary>
    public Phone DefaultClient { get; init; } = new("client", PhoneAction.Answers, TimeSpan.FromSeconds(2));

    /// <summary>Talk of a click-to-call or after an API transfer; the rep (caller side) hangs up.</summary>
    public TimeSpan DefaultTalk { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The company number outbound calls present to the PSTN.</summary>
    public string OutboundCallerId { get; init; } = "74951234567";

    public ILogger? Logger { get; init; }

    internal Phone PhoneFor(string number, Phone fallback) =>
        (Phones.TryGetValue(number, out Phone? phone) ? phone : fallback) with { Number = number };
}

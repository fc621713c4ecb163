using System.Text.RegularExpressions;
using FsBitrix.Simulator.Wire;

namespace FsBitrix.Simulator.Server;

/// <summary>
/// What one listener asked for (<c>event</c>, <c>nixevent</c>, <c>noevents</c>, <c>filter</c>), with
/// mod_event_socket's rules: every word after CUSTOM is a subclass; with filters, an event passes only if a
/// positive filter matches and no negative (<c>-value</c>) one does; values compare case-insensitively,
/// <c>/regex/</c> values as regexes.
/// </summary>
internal sealed class Subscription
{
    private readonly HashSet<string> _events = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _subclasses = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Header, string Value)> _filters = [];
    private readonly Lock _gate = new();
    private bool _all;

    public string Format { get; private set; } = "plain";

    public bool Listening
    {
        get
        {
            lock (_gate)
            {
                return _all || _events.Count > 0 || _subclasses.Count > 0;
            }
        }
    }

    public string Subscribe(string args)
    {
        string[] words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int first = 0;
        string format = Format;
        if (words.Length > 0 && words[0].ToLowerInvariant() is "plain" or "json" or "xml")
        {
            format = words[0].ToLowerInvariant();
            first = 1;
        }

        if (format == "xml")
        {
            // Not simulated: the product reads plain and json. Refused rather than sent in the wrong format.
            return "-ERR xml events are not simulated";
        }

        int keys = 0;
        bool custom = false;
        lock (_gate)
        {
            foreach (string word in words.Skip(first))
            {
                keys++;
                if (custom)
                {
                    _subclasses.Add(word);
                }
                else if (word.Equals("CUSTOM", StringComparison.OrdinalIgnoreCase))
                {
                    custom = true;
                }
                else if (word.Equals("ALL", StringComparison.OrdinalIgnoreCase))
                {
                    _all = true;
                }
                else
                {
                    _events.Add(word);
                }
            }
        }

        if (keys == 0)
        {
            return "-ERR no keywords supplied";
        }

        Format = format;
        return "+OK event listener enabled " + format;
    }

    public string Nix(string args)
    {
        string[] words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return "-ERR no keywords supplied";
        }

        bool custom = false;
        lock (_gate)
        {
            foreach (string word in words)
            {
                if (custom)
                {
                    _subclasses.Remove(word);
                }
                else if (word.Equals("CUSTOM", StringComparison.OrdinalIgnoreCase))
                {
                    custom = true;
                }
                else if (word.Equals("ALL", StringComparison.OrdinalIgnoreCase))
                {
                    _all = false;
                    _events.Clear();
                }
                else if (_all)
                {
                    // FS-8190: nixing one event while ALL is on turns ALL into an explicit list without it.
                    _all = false;
                    _events.UnionWith(KnownEvents.Names);
                    _events.Remove(word);
                }
                else
                {
                    _events.Remove(word);
                }
            }
        }

        return "+OK events nixed";
    }

    public string NoEvents()
    {
        lock (_gate)
        {
            bool was = _all || _events.Count > 0 || _subclasses.Count > 0;
            _all = false;
            _events.Clear();
            _subclasses.Clear();
            return was ? "+OK no longer listening for events" : "-ERR not listening for events";
        }
    }

    public string Filter(string args)
    {
        string[] words = args.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        lock (_gate)
        {
            if (words.Length >= 2 && words[0].Equals("delete", StringComparison.OrdinalIgnoreCase))
            {
                if (words[1].Equals("all", StringComparison.OrdinalIgnoreCase))
                {
                    _filters.Clear();
                    return "+OK filter deleted. [all]";
                }

                string? value = words.Length > 2 ? words[2] : null;
                _filters.RemoveAll(f => f.Header.Equals(words[1], StringComparison.OrdinalIgnoreCase)
                    && (value is null || f.Value == value));
                return $"+OK filter deleted. [{words[1]}][{value}]";
            }

            if (words.Length >= 1 && words[0].Equals("add", StringComparison.OrdinalIgnoreCase))
            {
                words = args[3..].Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            }
            else if (words.Length == 3)
            {
                words = args.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            }

            if (words.Length < 2)
            {
                return "-ERR invalid syntax";
            }

            _filters.Add((words[0], words[1].Trim()));
            return $"+OK filter added. [{words[0]}]=[{words[1].Trim()}]";
        }
    }

    public bool Wants(SimEvent e)
    {
        lock (_gate)
        {
            bool subscribed = _all
                || (e.Name == "CUSTOM" ? e["Event-Subclass"] is { } sub && _subclasses.Contains(sub) : _events.Contains(e.Name));
            return subscribed && PassesFilters(e);
        }
    }

    private bool PassesFilters(SimEvent e)
    {
        if (_filters.Count == 0)
        {
            return true;
        }

        bool send = false;
        foreach ((string header, string value) in _filters)
        {
            string? actual = e[header];
            bool negative = value.StartsWith('-');
            string wanted = negative ? value[1..] : value;
            if (actual is not null && Matches(actual, wanted))
            {
                if (negative)
                {
                    return false;
                }

                send = true;
            }
        }

        return send;
    }

    private static bool Matches(string actual, string wanted)
    {
        if (wanted.Length > 2 && wanted[0] == '/' && wanted.LastIndexOf('/') > 0)
        {
            int end = wanted.LastIndexOf('/');
            RegexOptions options = wanted[(end + 1)..].Contains('i', StringComparison.Ordinal) ? RegexOptions.IgnoreCase : RegexOptions.None;
            return Regex.IsMatch(actual, wanted[1..end], options, TimeSpan.FromMilliseconds(100));
        }

        return string.Equals(actual, wanted, StringComparison.OrdinalIgnoreCase);
    }
}

namespace FsBitrix.Simulator.Switch;

/// <summary>
/// A channel's variables in FreeSWITCH's order: setting one removes it and appends it (as
/// <c>switch_channel_set_variable</c> does), which is why <c>call_uuid</c> moves late in HANGUP_COMPLETE.
/// </summary>
internal sealed class ChannelVariables
{
    private readonly List<KeyValuePair<string, string>> _items = [];

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    public string? this[string name]
    {
        get => _items.FirstOrDefault(v => v.Key == name).Value;
        set
        {
            _items.RemoveAll(v => v.Key == name);
            if (value is not null)
            {
                _items.Add(new(name, value));
            }
        }
    }
}

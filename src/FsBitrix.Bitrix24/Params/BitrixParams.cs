using System.Collections;

namespace FsBitrix.Bitrix24.Params;

/// <summary>
/// Ordered parameters of one REST call. Values are strings, integers, doubles, booleans, lists of those,
/// or nested <see cref="BitrixParams"/> (e.g. <c>FILTER</c>). The same tree is written as a JSON body for a
/// direct call and as a PHP-style query (<c>USER_ID[0]=11</c>) inside <c>batch</c>.
/// </summary>
public sealed class BitrixParams : IEnumerable<KeyValuePair<string, object>>
{
    private readonly List<KeyValuePair<string, object>> _items = [];

    public int Count => _items.Count;

    public BitrixParams Add(string name, string value) => Put(name, value);

    public BitrixParams Add(string name, long value) => Put(name, value);

    public BitrixParams Add(string name, double value) => Put(name, value);

    public BitrixParams Add(string name, bool value) => Put(name, value);

    public BitrixParams Add(string name, BitrixParams value) => Put(name, value);

    public BitrixParams Add(string name, IReadOnlyList<long> values) => Put(name, values);

    public BitrixParams Add(string name, IReadOnlyList<string> values) => Put(name, values);

    /// <summary>Bitrix24 flags are 0/1 integers; written explicitly because documented defaults and code disagree.</summary>
    public BitrixParams AddFlag(string name, bool value) => Put(name, value ? 1L : 0L);

    public BitrixParams AddIfNotNull(string name, string? value) => value is null ? this : Put(name, value);

    public BitrixParams AddIfNotNull(string name, long? value) => value is null ? this : Put(name, value.Value);

    /// <summary>Replaces the value of <paramref name="name"/> (a batch command's reference to an earlier answer).</summary>
    internal BitrixParams Set(string name, Batch.BatchReference value)
    {
        int i = _items.FindIndex(p => p.Key == name);
        if (i < 0)
        {
            throw new ArgumentException($"Parameter {name} is not set.", nameof(name));
        }

        _items[i] = new(name, value);
        return this;
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private BitrixParams Put(string name, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _items.Add(new(name, value));
        return this;
    }
}

using System.Buffers;
using System.Text;

namespace FsBitrix.Esl.Protocol;

/// <summary>
/// An index of header names and values over a frame's bytes: five ints per header (name start and length,
/// value start and length, value kind). Nothing is decoded until a value is asked for, so an event costs one
/// string per header actually read. The int array comes from the pool and goes back on <see cref="Release"/>.
/// </summary>
internal struct HeaderTable
{
    private const int Stride = 5;
    private int[]? _entries;
    private int _count;

    public readonly int Count => _count;

    public void Add(int nameStart, int nameLength, int valueStart, int valueLength, HeaderValueKind kind)
    {
        int at = _count * Stride;
        if (_entries is null || at + Stride > _entries.Length)
        {
            Grow();
        }

        int[] e = _entries!;
        e[at] = nameStart;
        e[at + 1] = nameLength;
        e[at + 2] = valueStart;
        e[at + 3] = valueLength;
        e[at + 4] = (int)kind;
        _count++;
    }

    public readonly int IndexOf(ReadOnlySpan<byte> buffer, string name, int from = 0)
    {
        int[]? e = _entries;
        for (int i = from; i < _count; i++)
        {
            int at = i * Stride;
            if (e![at + 1] == name.Length && AsciiEqualsIgnoreCase(buffer.Slice(e[at], name.Length), name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Finds <paramref name="prefix"/> + <paramref name="name"/> without building the joined string.</summary>
    public readonly int IndexOf(ReadOnlySpan<byte> buffer, string prefix, string name)
    {
        int[]? e = _entries;
        int length = prefix.Length + name.Length;
        for (int i = 0; i < _count; i++)
        {
            int at = i * Stride;
            if (e![at + 1] == length
                && AsciiEqualsIgnoreCase(buffer.Slice(e[at], prefix.Length), prefix)
                && AsciiEqualsIgnoreCase(buffer.Slice(e[at] + prefix.Length, name.Length), name))
            {
                return i;
            }
        }

        return -1;
    }

    public readonly string NameAt(ReadOnlySpan<byte> buffer, int index)
    {
        int at = index * Stride;
        return Encoding.UTF8.GetString(buffer.Slice(_entries![at], _entries[at + 1]));
    }

    public readonly ReadOnlySpan<byte> RawValueAt(ReadOnlySpan<byte> buffer, int index)
    {
        int at = index * Stride;
        return buffer.Slice(_entries![at + 2], _entries[at + 3]);
    }

    public readonly HeaderValueKind KindAt(int index) => (HeaderValueKind)_entries![(index * Stride) + 4];

    public readonly string ValueAt(ReadOnlySpan<byte> buffer, int index) =>
        HeaderValueDecoder.Decode(RawValueAt(buffer, index), KindAt(index));

    public void Release()
    {
        if (_entries is not null)
        {
            ArrayPool<int>.Shared.Return(_entries);
            _entries = null;
        }

        _count = 0;
    }

    private void Grow()
    {
        int[] next = ArrayPool<int>.Shared.Rent(_entries is null ? 64 * Stride : _entries.Length * 2);
        if (_entries is not null)
        {
            Array.Copy(_entries, next, _count * Stride);
            ArrayPool<int>.Shared.Return(_entries);
        }

        _entries = next;
    }

    private static bool AsciiEqualsIgnoreCase(ReadOnlySpan<byte> bytes, string name)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            int b = bytes[i];
            int c = name[i];
            if (b != c && ((b | 0x20) != (c | 0x20) || (uint)((b | 0x20) - 'a') > 'z' - 'a'))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Text;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Events;

/// <summary>
/// A FreeSWITCH event: its own headers (never merged with the frame's outer headers), repeated headers kept,
/// looked up case-insensitively, decoded only when read. Valid as long as its frame; see <see cref="EslFrame"/>.
/// </summary>
public sealed partial class EslEvent
{
    private readonly EslFrame _frame;
    private readonly int _start;
    private readonly int _end;
    private HeaderTable _headers;
    private bool _indexed;
    private int _bodyStart;
    private int _bodyLength;
    private HeaderValueKind _bodyKind;

    internal EslEvent(EslFrame frame, EslEventFormat format, int start, int end)
    {
        _frame = frame;
        Format = format;
        _start = start;
        _end = end;
    }

    public EslEventFormat Format { get; }

    /// <summary>The frame this event came in.</summary>
    internal EslFrame Frame => _frame;

    /// <summary>The first value of a header, or null; <c>variable_x</c> names reach channel variables.</summary>
    public string? this[string name] => GetHeader(name);

    public string? GetHeader(string name)
    {
        byte[] buffer = EnsureIndexed();
        int i = _headers.IndexOf(buffer, name);
        return i < 0 ? null : _headers.ValueAt(buffer, i);
    }

    /// <summary>Every value of a header: repeated headers, JSON arrays and <c>ARRAY::</c> values, in order.</summary>
    public IReadOnlyList<string> GetHeaders(string name)
    {
        byte[] buffer = EnsureIndexed();
        List<string>? values = null;
        for (int i = _headers.IndexOf(buffer, name); i >= 0; i = _headers.IndexOf(buffer, name, i + 1))
        {
            (values ??= []).AddRange(HeaderValueDecoder.DecodeMany(_headers.RawValueAt(buffer, i), _headers.KindAt(i)));
        }

        return values ?? (IReadOnlyList<string>)[];
    }

    public bool HasHeader(string name) => _headers.IndexOf(EnsureIndexed(), name) >= 0;

    /// <summary>A channel variable (<c>variable_&lt;name&gt;</c>).</summary>
    public string? GetVariable(string name)
    {
        // Read for every channel event by call trackers: no "variable_" + name string per read.
        byte[] buffer = EnsureIndexed();
        int i = _headers.IndexOf(buffer, "variable_", name);
        return i < 0 ? null : _headers.ValueAt(buffer, i);
    }

    /// <summary>All headers in the order FreeSWITCH wrote them.</summary>
    public IEnumerable<KeyValuePair<string, string>> Headers
    {
        get
        {
            for (int i = 0; i < HeaderCount; i++)
            {
                byte[] buffer = EnsureIndexed();
                yield return new(_headers.NameAt(buffer, i), _headers.ValueAt(buffer, i));
            }
        }
    }

    public int HeaderCount
    {
        get
        {
            EnsureIndexed();
            return _headers.Count;
        }
    }

    /// <summary>The event's own body (a BACKGROUND_JOB result, an XML CDR...), empty when it has none.</summary>
    public ReadOnlyMemory<byte> Body
    {
        get
        {
            byte[] buffer = EnsureIndexed();
            return buffer.AsMemory(_bodyStart, _bodyLength);
        }
    }

    public string BodyText
    {
        get
        {
            byte[] buffer = EnsureIndexed();
            return _bodyLength == 0
                ? string.Empty
                : _bodyKind == HeaderValueKind.JsonString
                    ? HeaderValueDecoder.Decode(buffer.AsSpan(_bodyStart, _bodyLength), _bodyKind)
                    : Encoding.UTF8.GetString(buffer, _bodyStart, _bodyLength);
        }
    }

    /// <summary>A copy that owns its bytes, for keeping the event after its consumer returned.</summary>
    public EslEvent Clone()
    {
        EslFrame frame = _frame.Clone();
        return _start == 0 ? frame.AsHeaderEvent() : frame.Event;
    }

    public override string ToString() => $"{EventName ?? "?"} {UniqueId ?? JobUuid ?? string.Empty}".TrimEnd();

    internal void Release() => _headers.Release();

    private byte[] EnsureIndexed()
    {
        byte[] buffer = _frame.Buffer;
        if (_indexed)
        {
            return buffer;
        }

        switch (Format)
        {
            case EslEventFormat.Json:
                (_bodyStart, _bodyLength, _bodyKind) = JsonEventIndexer.Index(buffer, _start, _end, ref _headers);
                break;
            case EslEventFormat.Xml:
                (_bodyStart, _bodyLength) = XmlEventIndexer.Index(buffer, _start, _end, ref _headers);
                break;
            default:
                (_bodyStart, _bodyLength) = HeaderLines.IndexPlainEvent(buffer, _start, _end, ref _headers);
                break;
        }

        _indexed = true;
        return buffer;
    }
}

using System.Buffers;
using System.Text;
using FsBitrix.Esl.Events;

namespace FsBitrix.Esl.Protocol;

/// <summary>
/// One frame as FreeSWITCH sent it: an outer header block and exactly <c>Content-Length</c> bytes of body,
/// held in one buffer. Frames made by the parser borrow a pooled buffer and must be disposed; after that
/// every accessor throws, so a kept reference fails loudly instead of reading another frame's bytes.
/// Call <see cref="Clone"/> to keep a frame beyond its consumer.
/// </summary>
internal sealed class EslFrame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _headerLength;
    private readonly int _bodyLength;
    private readonly bool _pooled;
    private readonly string? _unknownContentType;
    private HeaderTable _headers;
    private EslEvent? _event;

    internal EslFrame(byte[] buffer, int headerLength, int bodyLength, bool pooled, HeaderTable headers,
        EslContentType contentType, string? unknownContentType)
    {
        _buffer = buffer;
        _headerLength = headerLength;
        _bodyLength = bodyLength;
        _pooled = pooled;
        _headers = headers;
        ContentType = contentType;
        _unknownContentType = unknownContentType;
    }

    public EslContentType ContentType { get; }

    /// <summary>The Content-Type as written on the wire (also for types this library does not know).</summary>
    public string ContentTypeText => _unknownContentType ?? ContentType.ToWire();

    public bool IsEvent => ContentType is EslContentType.EventPlain or EslContentType.EventJson or EslContentType.EventXml;

    /// <summary>Size of the frame on the wire: header block, blank line and body.</summary>
    public int Length => _headerLength + 2 + _bodyLength;

    public ReadOnlyMemory<byte> Body => Buffer.AsMemory(BodyStart, _bodyLength);

    public string BodyText => Encoding.UTF8.GetString(Buffer, BodyStart, _bodyLength);

    /// <summary><c>Reply-Text</c> of a <c>command/reply</c>.</summary>
    public string? ReplyText => GetHeader(EslHeaders.ReplyText);

    /// <summary>The event this frame carries; only for <c>text/event-*</c> frames.</summary>
    public EslEvent Event => IsEvent
        ? _event ??= new EslEvent(this, EventFormat(ContentType), BodyStart, BodyStart + _bodyLength)
        : throw new InvalidOperationException($"a {ContentTypeText} frame carries no event");

    internal byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(EslFrame),
        "this ESL frame was released after its consumer returned; call Clone() to keep it");

    internal int BodyStart => _headerLength + 1;

    internal int HeaderLength => _headerLength;

    /// <summary>An outer header, as written (outer headers are not URL-encoded).</summary>
    public string? GetHeader(string name)
    {
        int i = _headers.IndexOf(Buffer, name);
        return i < 0 ? null : _headers.ValueAt(Buffer, i);
    }

    public IEnumerable<KeyValuePair<string, string>> Headers
    {
        get
        {
            for (int i = 0; i < _headers.Count; i++)
            {
                yield return new(_headers.NameAt(Buffer, i), _headers.ValueAt(Buffer, i));
            }
        }
    }

    /// <summary>
    /// The outbound <c>connect</c> reply is a whole CHANNEL_DATA event written as URL-encoded outer headers;
    /// this reads those headers as that event.
    /// </summary>
    public EslEvent AsHeaderEvent() => new(this, EslEventFormat.Plain, 0, _headerLength + 1);

    /// <summary>A copy that owns its bytes and never needs disposing.</summary>
    public EslFrame Clone()
    {
        byte[] source = Buffer;
        byte[] copy = source.AsSpan(0, BodyStart + _bodyLength).ToArray();
        var headers = default(HeaderTable);
        HeaderLines.IndexEnvelope(copy.AsSpan(0, _headerLength), ref headers, HeaderValueKind.Raw);
        return new EslFrame(copy, _headerLength, _bodyLength, pooled: false, headers, ContentType, _unknownContentType);
    }

    public void Dispose()
    {
        byte[]? buffer = _buffer;
        if (buffer is null)
        {
            return;
        }

        _buffer = null;
        _headers.Release();
        _event?.Release();
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override string ToString() => _buffer is null
        ? $"{ContentTypeText} (released)"
        : $"{ContentTypeText}, {_bodyLength} bytes of body";

    private static EslEventFormat EventFormat(EslContentType type) => type switch
    {
        EslContentType.EventJson => EslEventFormat.Json,
        EslContentType.EventXml => EslEventFormat.Xml,
        _ => EslEventFormat.Plain,
    };
}

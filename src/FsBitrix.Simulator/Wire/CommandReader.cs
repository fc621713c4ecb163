using System.Globalization;
using System.Text;

namespace FsBitrix.Simulator.Wire;

/// <summary>
/// Reads client commands the way mod_event_socket's <c>read_packet</c> does: lines up to a blank line (CR is
/// ignored, leading blank lines skipped), headers split at the first colon, then <c>content-length</c> body bytes.
/// </summary>
internal sealed class CommandReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <returns>The next command, or null when the client closed the socket.</returns>
    public async Task<ClientCommand?> ReadAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        while (true)
        {
            string? line = await ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            if (line.Length > 0)
            {
                lines.Add(line);
            }
            else if (lines.Count > 0)
            {
                break;
            }
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (string h in lines.Skip(1))
        {
            int colon = h.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(h[..colon], h[(colon + 1)..].TrimStart(' ')));
            }
        }

        string? length = headers.FirstOrDefault(h => h.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase)).Value;
        string body = string.Empty;
        if (int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
        {
            body = Encoding.UTF8.GetString(await ReadExactlyAsync(n, ct).ConfigureAwait(false));
        }

        return new ClientCommand(lines[0], headers, body);
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            int nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                string line = Encoding.UTF8.GetString(_buffer, _start, nl - _start).Replace("\r", string.Empty, StringComparison.Ordinal);
                _start = nl + 1;
                return line;
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        int got = 0;
        while (got < count)
        {
            if (_start == _end && !await FillAsync(ct).ConfigureAwait(false))
            {
                throw new EndOfStreamException("the client closed the socket inside a command body");
            }

            int take = Math.Min(count - got, _end - _start);
            Array.Copy(_buffer, _start, result, got, take);
            _start += take;
            got += take;
        }

        return result;
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("command header block larger than the simulator's buffer");
        }

        int read = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }
}

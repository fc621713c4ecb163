using System.Net.Sockets;

namespace FsBitrix.Esl.Connection;

/// <summary>
/// A connected socket used only with blocking calls, whatever method is called on it, so the kernel keeps it in
/// blocking mode. A thread parked in <c>recv</c> is then woken by the kernel itself when FreeSWITCH writes. With
/// .NET's asynchronous sockets every event first wakes the socket engine's epoll thread, which then wakes a pool
/// thread to read: two wake-ups per burst of events, and on a small virtual machine each may wait a scheduler tick
/// (4 ms). One asynchronous call would switch the socket to non-blocking for good, so none is ever made here.
/// </summary>
internal sealed class BlockingSocketStream : Stream
{
    private readonly Socket _socket;

    /// <param name="socket">Connected with <see cref="Socket.Connect(string, int)"/>, never used asynchronously.</param>
    public BlockingSocketStream(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = true;
    }

    internal Socket Socket => _socket;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _socket.Receive(buffer);
        }
        catch (SocketException ex)
        {
            throw new IOException($"Event Socket receive failed: {ex.Message}", ex);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Blocks the calling thread: the connection reads on a thread of its own.</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                buffer = buffer[_socket.Send(buffer)..];
            }
        }
        catch (SocketException ex)
        {
            throw new IOException($"Event Socket send failed: {ex.Message}", ex);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>
    /// Commands are a few hundred bytes and FreeSWITCH reads them at once: the kernel takes them without waiting. A
    /// peer that stops reading fails the send after the socket's send timeout instead of holding the caller.
    /// </summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // .NET shuts the socket down when it is closed under a blocking call, so the reader thread wakes and ends.
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }
}

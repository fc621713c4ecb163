using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// How long a thread blocked in <c>recv</c> takes to run after a byte is written to its loopback socket, after 2 ms
/// of quiet: the wake-up every ESL event and every hop of the service pays. A hashing job measures how fast the
/// host runs code; this measures how soon it runs a thread that was asleep, which a busy host can delay by a
/// scheduler tick while the hashing job looks normal.
/// </summary>
internal sealed class WakeProbe : IDisposable
{
    private const int Samples = 50;
    private readonly Socket _writer;
    private readonly Socket _reader;

    public WakeProbe()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _writer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _writer.Connect(listener.LocalEndPoint!);
        _reader = listener.Accept();
    }

    /// <summary>p90 and largest wake-up of <see cref="Samples"/>, in milliseconds.</summary>
    public (double P90, double Max) Measure()
    {
        var woken = new double[Samples];
        long sentAt = 0;
        var thread = new Thread(() =>
        {
            var one = new byte[1];
            for (int i = 0; i < Samples; i++)
            {
                _reader.Receive(one);
                woken[i] = Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt)).TotalMilliseconds;
            }
        }) { IsBackground = true, Name = "wake probe" };
        thread.Start();
        byte[] payload = [1];
        for (int i = 0; i < Samples; i++)
        {
            Thread.Sleep(2);
            Volatile.Write(ref sentAt, Stopwatch.GetTimestamp());
            _writer.Send(payload);
            SpinWait.SpinUntil(() => woken[i] > 0, 100);
        }

        thread.Join();
        Array.Sort(woken);
        return (woken[(int)(Samples * 0.9) - 1], woken[^1]);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
    }
}

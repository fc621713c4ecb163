using System.Net.Sockets;
using System.Runtime.InteropServices;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Esl.Tests.Support;

namespace FsBitrix.Esl.Tests.Inbound;

/// <summary>
/// The inbound client's socket is used with blocking calls only, so the kernel wakes its reader thread directly
/// (one wake-up per burst of events instead of the socket engine's two).
/// </summary>
[CancelAfter(30_000)]
public class BlockingReadsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static EslInboundOptions Options(FakeFreeSwitch fs) => new()
    {
        Port = fs.Port,
        Password = "ClueCon",
        Events = [EslEventNames.ChannelCreate],
    };

    [Test]
    public async Task After_login_commands_and_replies_the_socket_is_still_blocking_in_the_kernel()
    {
        await using var fs = new FakeFreeSwitch();
        fs.ApiResponses["status"] = "UP 0 years, 0 days\n";
        await using var client = new EslInboundClient(Options(fs));
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);
        EslReply reply = await client.ApiAsync("status").WaitAsync(Patience);

        Socket socket = ((BlockingSocketStream)client.CurrentConnection!.Transport).Socket;
        int flags = Native.fcntl((int)socket.Handle, Native.F_GETFL, 0);

        Assert.That(reply.Text, Does.StartWith("UP 0 years"), "the command went out and its reply came back");
        Assert.That(flags, Is.Not.EqualTo(-1));
        Assert.That(flags & Native.O_NONBLOCK, Is.Zero, "one asynchronous call switches the socket to non-blocking for good");
    }

    [Test]
    public async Task Stopping_wakes_the_reader_thread_parked_in_a_blocking_receive()
    {
        await using var fs = new FakeFreeSwitch();
        var client = new EslInboundClient(Options(fs));
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);
        EslConnection connection = client.CurrentConnection!;

        await client.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.That(connection.Closed.IsCompleted, Is.True);
    }

    private static class Native
    {
        public const int F_GETFL = 3;
        public const int O_NONBLOCK = 0x800;

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054, CA5392 // a test-only call with plain ints; no marshalling to generate
        public static extern int fcntl(int fd, int cmd, int arg);
#pragma warning restore SYSLIB1054, CA5392
    }
}

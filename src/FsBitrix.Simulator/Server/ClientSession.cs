using System.Threading.Channels;
using FsBitrix.Simulator.Wire;

namespace FsBitrix.Simulator.Server;

/// <summary>
/// One inbound ESL connection. Replies and events share one outgoing queue, so a bgapi reply always precedes
/// its BACKGROUND_JOB and every frame is written whole; events are offered by the switch as they fire.
/// </summary>
internal sealed class ClientSession(Stream stream, string password, ApiCommands api)
{
    private readonly Channel<byte[]> _out = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Subscription _subscription = new();
    private volatile bool _authed;

    public async Task RunAsync(CancellationToken ct)
    {
        Task writer = WriteAsync(ct);
        try
        {
            _out.Writer.TryWrite(Frames.AuthRequest);
            var reader = new CommandReader(stream);
            while (await reader.ReadAsync(ct).ConfigureAwait(false) is { } command && Handle(command))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or OperationCanceledException)
        {
            // The client went away or the simulator stops: nothing to answer.
        }
        finally
        {
            _out.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Queues the event if this listener subscribed to it and its filters let it through.</summary>
    public void Offer(SimEvent e)
    {
        if (_authed && _subscription.Wants(e))
        {
            string format = _subscription.Format;
            _out.Writer.TryWrite(Frames.Event(format == "json" ? e.ToJson() : e.ToPlain(), format));
        }
    }

    /// <returns>false when the connection ends after this command.</returns>
    private bool Handle(ClientCommand command)
    {
        (string word, string args) = command.Split();
        if (!_authed)
        {
            return Authenticate(word, args);
        }

        switch (word)
        {
            case "exit" or "...":
                Reply("+OK bye");
                _out.Writer.TryWrite(Frames.DisconnectNotice());
                return false;
            case "event":
                Reply(_subscription.Subscribe(args));
                break;
            case "nixevent":
                Reply(_subscription.Nix(args));
                break;
            case "noevents":
                Reply(_subscription.NoEvents());
                break;
            case "filter":
                Reply(_subscription.Filter(args));
                break;
            case "api":
                _out.Writer.TryWrite(Frames.ApiResponse(api.Execute(args)));
                break;
            case "bgapi":
                string job = command.Header("Job-UUID") ?? Guid.NewGuid().ToString();
                _out.Writer.TryWrite(Frames.JobAccepted(job));
                api.Background(job, args);
                break;
            default:
                // myevents, log, sendmsg, sendevent...: not simulated, answered as FreeSWITCH answers unknown commands.
                Reply("-ERR command not found");
                break;
        }

        return true;
    }

    private bool Authenticate(string word, string args)
    {
        if (word != "auth")
        {
            Reply("-ERR command not found");
            return true;
        }

        if (args != password)
        {
            Reply("-ERR invalid");
            _out.Writer.TryWrite(Frames.DisconnectNotice());
            return false;
        }

        _authed = true;
        Reply("+OK accepted");
        return true;
    }

    private void Reply(string text) => _out.Writer.TryWrite(Frames.Reply(text));

    private async Task WriteAsync(CancellationToken ct)
    {
        try
        {
            await foreach (byte[] frame in _out.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await stream.WriteAsync(frame, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _out.Writer.TryComplete();
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace FsBitrix.Hosting;

/// <summary>
/// Looks at a listening address before the host starts, so that a taken port ends the program with one clear line
/// (<see cref="PortInUseException"/>) rather than the web host's stack trace.
/// </summary>
internal static class Ports
{
    /// <param name="addresses">URLs (<c>http://127.0.0.1:8085</c>, several separated by <c>;</c>) or <c>host:port</c>.</param>
    /// <param name="setting">The setting that moves it, e.g. <c>FsBitrix:Http:Urls</c>.</param>
    public static void EnsureFree(string addresses, string setting)
    {
        foreach (string address in addresses.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (EndpointOf(address) is not { Port: > 0 } endpoint)
            {
                continue;
            }

            try
            {
                var probe = new TcpListener(endpoint);
                probe.Start();
                probe.Stop();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new PortInUseException(endpoint.Port, address, setting, ex);
            }
            catch (SocketException)
            {
                // Not ours to judge (an address of another host, no IPv6): the listener itself will say.
            }
        }
    }

    /// <summary>The endpoint a URL or <c>host:port</c> listens on; null when it names no port or an unknown host.</summary>
    internal static IPEndPoint? EndpointOf(string address)
    {
        string hostPort = Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
            ? uri.Authority
            : address;
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(hostPort[(colon + 1)..], out int port))
        {
            return null;
        }

        string host = hostPort[..colon].Trim('[', ']');
        IPAddress? ip = host switch
        {
            "*" or "+" or "0.0.0.0" or "" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out IPAddress? parsed) ? parsed : null,
        };
        return ip is null ? null : new IPEndPoint(ip, port);
    }
}

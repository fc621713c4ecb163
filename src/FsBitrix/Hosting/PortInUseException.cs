namespace FsBitrix.Hosting;

/// <summary>A port FsBitrix must listen on is taken: said in one line, naming the setting that moves it.</summary>
internal sealed class PortInUseException(int port, string address, string setting, Exception? inner = null)
    : Exception($"port {port} ({address}) is already in use by another program; move FsBitrix to another port with {setting} "
        + $"(environment: {EnvironmentName(setting)}=…)", inner)
{
    public int Port => port;

    private static string EnvironmentName(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);
}

namespace FsBitrix.Demo;

/// <summary>
/// The demo's own ports (configuration <c>FsBitrix:Demo</c>, e.g. <c>FsBitrix__Demo__PortalUrl</c>); the service's
/// is <c>FsBitrix:Http:Urls</c> as always.
/// </summary>
internal sealed class DemoSettings
{
    public const string Section = "FsBitrix:Demo";

    /// <summary>The Bitrix24 sandbox portal's page and REST API.</summary>
    public string PortalUrl { get; set; } = "http://127.0.0.1:8086";

    /// <summary>The second company's sandbox portal.</summary>
    public string SecondPortalUrl { get; set; } = "http://127.0.0.1:8087";

    /// <summary>The FreeSWITCH simulator's event socket.</summary>
    public int SimulatorPort { get; set; } = 18021;
}

namespace FsBitrix.Configuration;

/// <summary>Settings the service cannot run without, each as one sentence an admin can act on.</summary>
internal static class ConfigurationProblems
{
    public static IReadOnlyList<string> Find(FsBitrixOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bitrix.WebhookUrl))
        {
            problems.Add("FsBitrix:Bitrix:WebhookUrl is not set: create an incoming webhook in Bitrix24 (scopes telephony, user, crm) "
                + "and put its URL here, e.g. https://yourportal.bitrix24.com/rest/1/abc123/");
        }
        else if (!Uri.TryCreate(options.Bitrix.WebhookUrl, UriKind.Absolute, out Uri? url) || url.Segments.Length < 4
            || !url.AbsolutePath.StartsWith("/rest/", StringComparison.Ordinal))
        {
            problems.Add("FsBitrix:Bitrix:WebhookUrl does not look like https://portal/rest/<user id>/<code>/");
        }

        if (string.IsNullOrWhiteSpace(options.Esl.Host) || options.Esl.Port is <= 0 or > 65535)
        {
            problems.Add("FsBitrix:Esl:Host and FsBitrix:Esl:Port must name FreeSWITCH's event socket (event_socket.conf.xml)");
        }

        if (options.Recordings.Mode is not ("upload" or "url"))
        {
            problems.Add($"FsBitrix:Recordings:Mode is '{options.Recordings.Mode}': use 'upload' or 'url'");
        }
        else if (options.Recordings.Mode == "url" && !Uri.TryCreate(options.Recordings.PublicUrl, UriKind.Absolute, out _))
        {
            problems.Add("FsBitrix:Recordings:PublicUrl must be this service's address as Bitrix24 reaches it "
                + "(e.g. https://pbx.example.com:8085/) when Recordings:Mode is 'url'");
        }

        if (options.Bitrix.DefaultUserId <= 0)
        {
            problems.Add("FsBitrix:Bitrix:DefaultUserId must be a Bitrix24 user id (1 is usually the portal admin)");
        }

        return problems;
    }
}

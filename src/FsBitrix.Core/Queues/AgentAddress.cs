namespace FsBitrix.Core.Queues;

/// <summary>
/// How queues name an agent's phone: its extension (<c>1001</c>) for the default company, and <c>1001@b.example</c>
/// — the directory user as FreeSWITCH writes it — for a company of <c>FsBitrix:Tenants</c>, whose 1001 is another
/// person's phone. Presence, offers, wrap-up and queue agent lists all use this one spelling, so two companies'
/// 1001 are never taken for each other.
/// </summary>
public static class AgentAddress
{
    /// <param name="domain">The company's FreeSWITCH domain; null or empty for the default company.</param>
    public static string Of(string extension, string? domain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(extension);
        return string.IsNullOrEmpty(domain) ? extension : $"{extension}@{domain.ToLowerInvariant()}";
    }

    /// <summary>The extension and, for another company's agent, its domain.</summary>
    public static (string Extension, string? Domain) Split(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        int at = address.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? (address[..at], address[(at + 1)..]) : (address, null);
    }
}

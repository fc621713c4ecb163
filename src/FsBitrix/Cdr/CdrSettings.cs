namespace FsBitrix.Cdr;

/// <summary>
/// <c>FsBitrix:Cdr</c>: FreeSWITCH's CDRs (mod_xml_cdr) as the second source of truth. Calls that began and ended while
/// FsBitrix was not listening reach Bitrix24 from their CDRs; calls seen live are never imported again.
/// </summary>
internal sealed class CdrSettings
{
    /// <summary>mod_xml_cdr's <c>log-dir</c> on this server (files <c>a_&lt;uuid&gt;.cdr.xml</c>, <c>&lt;uuid&gt;.cdr.xml</c>); null: not read.</summary>
    public string? Folder { get; set; }

    /// <summary>mod_xml_cdr's <c>err-log-dir</c> (the records it could not post, url-encoded); null: not read.</summary>
    public string? ErrFolder { get; set; }

    /// <summary>
    /// The token mod_xml_cdr's <c>url</c> carries (<c>http://127.0.0.1:8085/cdr?token=…</c>); null: no endpoint (posts
    /// get 404 and mod_xml_cdr keeps them in its err-log-dir). Never logged.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Where mod_xml_cdr posts.</summary>
    public string Path { get; set; } = "/cdr";

    /// <summary>Older CDRs are not imported (a folder of last year's calls is not sent to the CRM by surprise).</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long after a call's last leg came to wait for more of its legs (each leg's CDR comes on its own).</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Legs whose call's first leg never comes are imported as they are after this long.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// A call seen live whose end fell in a gap (the socket cut, the service restarted) is finished with an estimate;
    /// that finish waits this long for the call's CDRs, which give the true talk time and status.
    /// </summary>
    public TimeSpan GapWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the folders are looked at.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A call from CDRs is put into the outbox only while fewer commands than this wait there: the outbox delivers in
    /// order, and a backlog of imports must not hold live calls' cards behind it.
    /// </summary>
    public int ImportWhilePendingBelow { get; set; } = 10;

    public bool Enabled => Folder is not null || ErrFolder is not null || Token is not null;
}

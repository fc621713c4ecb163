namespace FsBitrix.Cdr;

/// <summary>
/// The CDRs received, one row per leg, kept until their call is imported or found seen live (see
/// <see cref="CdrInbox"/>); SQLite on one box, PostgreSQL shared by several FsBitrix instances.
/// </summary>
internal interface ICdrInbox : IDisposable
{
    /// <returns>False when the leg was received before (a file read again, a post repeated).</returns>
    bool Add(string uuid, string xml, DateTimeOffset now);

    bool Knows(string uuid);

    /// <summary>What became of a leg: "imported", "seen live"; null while it waits or when it never came.</summary>
    string? Outcome(string uuid);

    /// <summary>The legs not dealt with yet: uuid, the CDR, when it came.</summary>
    List<(string Uuid, string Xml, DateTimeOffset ReceivedAt)> Waiting();

    /// <summary>The legs are dealt with: their CDR text is dropped (only the uuid stays, so a repeat is recognised).</summary>
    void Done(IEnumerable<string> uuids, string outcome, DateTimeOffset now);

    /// <summary>Forgets legs dealt with before <paramref name="before"/>: their CDRs are past the horizon, never read again.</summary>
    void Prune(DateTimeOffset before);
}

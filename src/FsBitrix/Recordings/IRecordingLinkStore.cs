namespace FsBitrix.Recordings;

/// <summary>
/// The recordings Bitrix24 may download by link (<c>Recordings:Mode=url</c>): each file's path under a random id, until
/// the link expires, and the key links are signed with. SQLite on one box, PostgreSQL shared by several instances (a
/// link made by one is served by any).
/// </summary>
internal interface IRecordingLinkStore : IAsyncDisposable
{
    /// <summary>The links' signing key, made once per installation (per database) and kept.</summary>
    Task<byte[]> KeyAsync(CancellationToken cancellationToken = default);

    /// <summary>Remembers a recording's path under a random id that a signed link can name.</summary>
    Task<string> AddAsync(string path, DateTimeOffset expires, CancellationToken cancellationToken = default);

    /// <summary>The file of a link not expired yet, or null.</summary>
    Task<string?> PathOfAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Forgets expired links.</summary>
    /// <returns>Links deleted.</returns>
    Task<int> PruneAsync(CancellationToken cancellationToken = default);
}

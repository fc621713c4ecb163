using FsBitrix.Bitrix24.Auth;

namespace FsBitrix.AppMode;

/// <summary>
/// One company's local-application installation: its tokens (what <see cref="OAuthAuth"/> renews) and where the portal
/// reached the last install. SQLite on one box, PostgreSQL shared by several FsBitrix instances.
/// </summary>
internal interface IInstallationStore : IOAuthGrantStore, IDisposable
{
    /// <summary>
    /// Where the portal reached the last install: online events are bound there, and bound there again after an app
    /// update dropped the rows, even when <c>Bitrix:PublicUrl</c> is unset.
    /// </summary>
    Task<Uri?> LoadEventsUrlAsync(CancellationToken cancellationToken);

    Task SaveEventsUrlAsync(Uri url, CancellationToken cancellationToken);
}

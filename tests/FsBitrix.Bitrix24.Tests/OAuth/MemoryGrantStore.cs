using FsBitrix.Bitrix24.Auth;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>Keeps the grant in memory and counts saves: one save per install or refresh.</summary>
internal sealed class MemoryGrantStore(OAuthGrant? initial = null) : IOAuthGrantStore
{
    private OAuthGrant? _grant = initial;
    private int _saves;

    public OAuthGrant? Grant => Volatile.Read(ref _grant);

    public int Saves => Volatile.Read(ref _saves);

    public Task<OAuthGrant?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Grant);

    public Task SaveAsync(OAuthGrant saved, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _grant, saved);
        Interlocked.Increment(ref _saves);
        return Task.CompletedTask;
    }
}

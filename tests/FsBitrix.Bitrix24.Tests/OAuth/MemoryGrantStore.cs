using FsBitrix.Bitrix24.Auth;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>Keeps the grant in memory and counts saves: one save per install or refresh.</summary>
internal sealed class MemoryGrantStore(OAuthGrant? initial = null) : IOAuthGrantStore
{
    private OAuthGrant? grant = initial;
    private int saves;

    public OAuthGrant? Grant => Volatile.Read(ref grant);

    public int Saves => Volatile.Read(ref saves);

    public Task<OAuthGrant?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Grant);

    public Task SaveAsync(OAuthGrant saved, CancellationToken cancellationToken)
    {
        Volatile.Write(ref grant, saved);
        Interlocked.Increment(ref saves);
        return Task.CompletedTask;
    }
}

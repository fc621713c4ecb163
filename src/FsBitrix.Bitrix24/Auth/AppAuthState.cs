namespace FsBitrix.Bitrix24.Auth;

public enum AppAuthStatus
{
    /// <summary>No install call has reached the service yet: nothing can be sent.</summary>
    NotInstalled,

    /// <summary>Tokens are stored and the last refresh (if any) worked.</summary>
    Ready,

    /// <summary>The OAuth server refused the refresh (app revoked or deleted, refresh token older than 180 days): reinstall.</summary>
    Refused,
}

/// <param name="Problem">For people: what is wrong and what to do; never a secret.</param>
public sealed record AppAuthState(AppAuthStatus Status, string? Problem, DateTimeOffset Since)
{
    public bool CanCall => Status == AppAuthStatus.Ready;
}

using FsBitrix.Bitrix24.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsBitrix.Bitrix24.Auth;

/// <summary>
/// A local application's OAuth tokens. Renewal is single-flight: refresh tokens rotate, so two refreshes with the
/// same one would leave a winner and an <c>invalid_grant</c> loser (app-mode notes §7.1). The new pair is saved
/// before anyone uses it. A refused refresh parks the auth in <see cref="AppAuthStatus.Refused"/> until the next
/// install: calls then fail at once, without asking the OAuth server again.
/// </summary>
public sealed partial class OAuthAuth : IBitrix24Auth, IDisposable
{
    private readonly OAuthAppOptions _options;
    private readonly IOAuthGrantStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OAuthTokenServer _server;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OAuthGrant? _grant;
    private bool _loaded;

    public OAuthAuth(OAuthAppOptions options, IOAuthGrantStore store, TimeProvider? timeProvider = null, ILogger<OAuthAuth>? logger = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        _options = options;
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<OAuthAuth>.Instance;
        _server = new OAuthTokenServer(options, _time, handler);
        State = new AppAuthState(AppAuthStatus.NotInstalled, NotInstalledProblem, _time.GetUtcNow());
    }

    private const string NotInstalledProblem = "the local application is not installed yet: save the local application's form in Bitrix24 "
        + "(its \"Path for initial installation\" is this service's install URL)";

    public AppAuthState State { get; private set; }

    /// <summary>Raised after every install and every refusal.</summary>
    public event Action<AppAuthState>? StateChanged;

    /// <summary>The stored installation, or null before the first install (after <see cref="LoadAsync"/>).</summary>
    public OAuthGrant? Grant => Volatile.Read(ref _grant);

    public string Describe => Grant is { } g ? $"local application {_options.ClientId} on {g.Domain}" : $"local application {_options.ClientId} (not installed)";

    /// <summary>
    /// Reads the stored installation again: another process sharing the store (an instance that led before this one)
    /// may have renewed the tokens, and a refresh token is good for one renewal only.
    /// </summary>
    /// <remarks>Raises <see cref="StateChanged"/> when what was read changes whether calls can be made (an install another process took).</remarks>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        AppAuthStatus before = State.Status;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        _loaded = false;
        _gate.Release();
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (State.Status != before)
        {
            StateChanged?.Invoke(State);
        }
    }

    /// <summary>Reads the stored installation once; later calls are free.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_loaded)
            {
                if (await _store.LoadAsync(cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    Volatile.Write(ref _grant, stored);
                    State = stored.Refusal is null
                        ? new AppAuthState(AppAuthStatus.Ready, null, _time.GetUtcNow())
                        : new AppAuthState(AppAuthStatus.Refused, stored.Refusal, _time.GetUtcNow());
                }

                _loaded = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A verified install call: its tokens replace whatever was there, and a refusal is forgotten.</summary>
    public async Task InstallAsync(OAuthGrant installed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(installed);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            installed = installed with { Refusal = null };
            await _store.SaveAsync(installed, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _grant, installed);
            _loaded = true;
            State = new AppAuthState(AppAuthStatus.Ready, null, _time.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }

        LogInstalled(installed.MemberId, installed.Domain, installed.ExpiresAt);

        // Raised on every install, not only on a change: whatever waited for working tokens may go now.
        StateChanged?.Invoke(State);
    }

    public async ValueTask<Bitrix24Credential> CurrentAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        OAuthGrant current = Usable();
        if (_time.GetUtcNow() >= current.ExpiresAt - _options.RefreshAhead)
        {
            current = await RefreshAsync(current.AccessToken, cancellationToken).ConfigureAwait(false);
        }

        return new Bitrix24Credential(current.ClientEndpoint, current.AccessToken);
    }

    public async Task<bool> RenewAsync(Bitrix24Credential rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        await RefreshAsync(rejected.AccessToken, cancellationToken, force: true).ConfigureAwait(false);
        return true;
    }

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        OAuthGrant? g = Grant;
        foreach (string? secret in (ReadOnlySpan<string?>)[_options.ClientSecret, g?.AccessToken, g?.RefreshToken, g?.ApplicationToken])
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    public void Dispose()
    {
        _server.Dispose();
        _gate.Dispose();
    }

    private OAuthGrant Usable()
    {
        AppAuthState state = State;
        if (Grant is not { } current || state.Status != AppAuthStatus.Ready)
        {
            throw new Bitrix24Exception(OAuthTokenServer.Method, Bitrix24ErrorKind.Authorization, null,
                state.Status == AppAuthStatus.NotInstalled ? "NOT_INSTALLED" : "REFRESH_REFUSED", state.Problem ?? NotInstalledProblem, mayHaveExecuted: false);
        }

        return current;
    }

    /// <param name="stale">The token the caller found wanting; when the stored one differs, someone renewed it meanwhile.</param>
    /// <param name="force">The portal refused <paramref name="stale"/>: renew even if our clock says it is still good.</param>
    private async Task<OAuthGrant> RefreshAsync(string? stale, CancellationToken cancellationToken, bool force = false)
    {
        OAuthGrant renewed;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            OAuthGrant current = Usable();
            bool alreadyRenewed = !string.Equals(current.AccessToken, stale, StringComparison.Ordinal);
            if (alreadyRenewed && (force || _time.GetUtcNow() < current.ExpiresAt - _options.RefreshAhead))
            {
                return current;
            }

            try
            {
                renewed = await _server.RefreshAsync(current, cancellationToken).ConfigureAwait(false);
            }
            catch (Bitrix24Exception e) when (e.Kind == Bitrix24ErrorKind.Authorization)
            {
                string problem = $"the OAuth server refused to renew the access token ({e.Error}: {e.ErrorDescription}): the application was "
                    + "removed or its refresh token is older than 180 days; install it again (re-create the local application, or reinstall it from its page in Bitrix24). "
                    + "Commands wait in the outbox until then.";
                // Remembered, so a restart does not ask the OAuth server again with a token it refused.
                OAuthGrant refused = current with { Refusal = problem };
                await _store.SaveAsync(refused, CancellationToken.None).ConfigureAwait(false);
                Volatile.Write(ref _grant, refused);
                SetState(AppAuthStatus.Refused, problem);
                LogRefused(e.Error, e.ErrorDescription);
                throw new Bitrix24Exception(OAuthTokenServer.Method, Bitrix24ErrorKind.Authorization, e.HttpStatus, "REFRESH_REFUSED", problem, mayHaveExecuted: false);
            }

            // Saved before use: the old refresh token is spent, and a crash now must not lose the new one.
            await _store.SaveAsync(renewed, CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _grant, renewed);
        }
        finally
        {
            _gate.Release();
        }

        LogRenewed(renewed.ExpiresAt);
        return renewed;
    }

    private void SetState(AppAuthStatus status, string? problem)
    {
        State = new AppAuthState(status, problem, _time.GetUtcNow());
        if (status == AppAuthStatus.Refused)
        {
            StateChanged?.Invoke(State);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 local application installed on {Domain} (member {MemberId}); access token valid until {ExpiresAt:u}")]
    private partial void LogInstalled(string memberId, string domain, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 access token renewed; valid until {ExpiresAt:u}")]
    private partial void LogRenewed(DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Bitrix24 OAuth server refused to renew the access token ({Error}: {Description}); nothing goes to Bitrix24 until the application is installed again")]
    private partial void LogRefused(string error, string description);
}

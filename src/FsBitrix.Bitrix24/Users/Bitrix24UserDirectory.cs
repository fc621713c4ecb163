using System.Collections.Frozen;
using FsBitrix.Bitrix24.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsBitrix.Bitrix24.Users;

/// <summary>
/// Extension ↔ Bitrix24 user, from a full <c>user.get</c> snapshot of active users by <c>UF_PHONE_INNER</c>,
/// overridden by the static map. An empty or failed snapshot never replaces a known one: a portal hiccup
/// must not make every extension unknown.
/// </summary>
public sealed partial class Bitrix24UserDirectory
{
    private readonly IBitrix24Client _client;
    private readonly UserDirectoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FrozenDictionary<string, int> _staticByExtension;
    private readonly FrozenDictionary<int, string> _staticByUser;
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public Bitrix24UserDirectory(IBitrix24Client client, UserDirectoryOptions options, ILogger<Bitrix24UserDirectory>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<Bitrix24UserDirectory>.Instance;
        _staticByExtension = options.StaticMap.ToFrozenDictionary(p => p.Key.Trim(), p => p.Value, StringComparer.OrdinalIgnoreCase);
        // Several extensions may ring one user; the reverse lookup takes the first in key order, stably.
        _staticByUser = options.StaticMap
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .GroupBy(p => p.Value)
            .ToFrozenDictionary(g => g.Key, g => g.First().Key.Trim());
    }

    /// <summary>When the current snapshot was taken; null before the first successful one.</summary>
    public DateTimeOffset? SnapshotTakenAt => _snapshot.TakenAt;

    /// <summary>Users with an extension in the current snapshot.</summary>
    public IReadOnlyCollection<Bitrix24User> SnapshotUsers => _snapshot.ByExtension.Values;

    public bool TryGetUserId(string extension, out int userId)
    {
        ArgumentNullException.ThrowIfNull(extension);
        string key = extension.Trim();
        if (_staticByExtension.TryGetValue(key, out userId))
        {
            return true;
        }

        if (_snapshot.ByExtension.TryGetValue(key, out Bitrix24User? user))
        {
            userId = user.Id;
            return true;
        }

        userId = 0;
        return false;
    }

    public bool TryGetExtension(int userId, out string extension)
    {
        if (_staticByUser.TryGetValue(userId, out string? fromStatic)
            || _snapshot.ByUser.TryGetValue(userId, out fromStatic))
        {
            extension = fromStatic;
            return true;
        }

        extension = string.Empty;
        return false;
    }

    /// <summary>Takes a new snapshot. Returns false (and keeps the old one) when it failed or came back empty.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (_options.StaticOnly)
        {
            return false;
        }

        IReadOnlyList<Bitrix24User> users;
        try
        {
            users = await _client.GetUsersAsync(UserFilter.ActiveEmployees, cancellationToken).ConfigureAwait(false);
        }
        catch (Bitrix24Exception e)
        {
            LogRefreshFailed(_logger, _snapshot.ByExtension.Count, e.Message);
            return false;
        }

        var byExtension = new Dictionary<string, Bitrix24User>(StringComparer.OrdinalIgnoreCase);
        foreach (Bitrix24User user in users.Where(u => u.Active && u.UfPhoneInner is not null).OrderBy(u => u.Id))
        {
            if (!byExtension.TryAdd(user.UfPhoneInner!, user))
            {
                LogDuplicateExtension(_logger, user.UfPhoneInner!, byExtension[user.UfPhoneInner!].Id, user.Id);
            }
        }

        if (byExtension.Count == 0)
        {
            LogEmptySnapshot(_logger, users.Count, _snapshot.ByExtension.Count);
            return false;
        }

        _snapshot = new Snapshot(byExtension.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), _time.GetUtcNow());
        LogRefreshed(_logger, byExtension.Count, users.Count);
        return true;
    }

    /// <summary>Refreshes now and then every <see cref="UserDirectoryOptions.RefreshInterval"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.RefreshInterval, _time);
        try
        {
            do
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    private sealed class Snapshot(FrozenDictionary<string, Bitrix24User> byExtension, DateTimeOffset? takenAt)
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, Bitrix24User>.Empty, null);

        public FrozenDictionary<string, Bitrix24User> ByExtension { get; } = byExtension;

        public FrozenDictionary<int, string> ByUser { get; } = byExtension.ToFrozenDictionary(p => p.Value.Id, p => p.Key);

        public DateTimeOffset? TakenAt { get; } = takenAt;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 user directory: {Mapped} extensions from {Users} active users")]
    private static partial void LogRefreshed(ILogger logger, int mapped, int users);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitrix24 user directory refresh failed; keeping the {Known} known extensions. {Failure}")]
    private static partial void LogRefreshFailed(ILogger logger, int known, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitrix24 user.get returned {Users} users but none with an extension; keeping the {Known} known extensions")]
    private static partial void LogEmptySnapshot(ILogger logger, int users, int known);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extension {Extension} belongs to users {Kept} and {Ignored} in Bitrix24; using {Kept}")]
    private static partial void LogDuplicateExtension(ILogger logger, string extension, int kept, int ignored);
}

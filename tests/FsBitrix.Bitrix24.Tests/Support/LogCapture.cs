using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>Keeps every formatted log line (with its exception text) so tests can search them.</summary>
internal sealed class LogCapture
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Entries => [.. _entries];

    public string AllText => string.Join('\n', _entries.Select(e => e.Text));

    public ILogger<T> For<T>() => new Logger<T>(this);

    public int Count(LogLevel level, string contains) => _entries.Count(e => e.Level == level && e.Text.Contains(contains, StringComparison.Ordinal));

    private sealed class Logger<T>(LogCapture capture) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            capture._entries.Enqueue((logLevel, $"{formatter(state, exception)} {structured} {exception}"));
        }
    }
}

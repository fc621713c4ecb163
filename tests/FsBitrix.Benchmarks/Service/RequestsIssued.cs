using System.Collections.Concurrent;
using System.Diagnostics;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// When this process's HttpClient was handed each Bitrix24 request (<c>HttpHandlerDiagnosticListener</c>'s request
/// event, raised as the request enters the socket handler): the point where the service's own work ends and the
/// network's and the portal's begins. Keeps the latest per REST method.
/// </summary>
internal sealed class RequestsIssued : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly ConcurrentDictionary<string, long> _latest = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IDisposable> _subscriptions = [];

    private readonly Action<string, long>? _onIssued;

    /// <param name="onIssued">Also told of each request (method, timestamp), on the thread that issues it.</param>
    public RequestsIssued(Action<string, long>? onIssued = null)
    {
        _onIssued = onIssued;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    /// <summary>The Stopwatch timestamp of the latest request to <paramref name="method"/>, or null.</summary>
    public long? Latest(string method) => _latest.TryGetValue(method, out long at) ? at : null;

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "HttpHandlerDiagnosticListener")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != "System.Net.Http.Request" || value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is not HttpRequestMessage request)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        string path = request.RequestUri?.AbsolutePath ?? string.Empty;
        string method = path[(path.LastIndexOf('/') + 1)..];
        _latest[method] = now;
        _onIssued?.Invoke(method, now);
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}

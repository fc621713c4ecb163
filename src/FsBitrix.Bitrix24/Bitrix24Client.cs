using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telemetry;
using FsBitrix.Bitrix24.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace FsBitrix.Bitrix24;

/// <summary>
/// Bitrix24 REST client over an incoming webhook or a local application's OAuth token (<see cref="IBitrix24Auth"/>).
/// Every attempt first waits for the shared leaky bucket, then goes through the retry pipeline of its method's
/// <see cref="RetryRule"/>; an attempt refused for an expired token renews it once and is sent again.
/// </summary>
public sealed partial class Bitrix24Client : IBitrix24Client, IDisposable
{
    private readonly Bitrix24Transport _transport;
    private readonly RetryPipelines _retries;
    private readonly Bitrix24Instruments _instruments;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="options">Webhook (unless <paramref name="auth"/> is given), timeout, rate limit and retry settings.</param>
    /// <param name="logger">Never receives the webhook code.</param>
    /// <param name="timeProvider">Clock for the limiter, backoff and 429 waits.</param>
    /// <param name="limiter">
    /// The bucket shared with every other client of the same portal on this host; when null the client
    /// makes its own from <see cref="Bitrix24ClientOptions.RateLimit"/>.
    /// </param>
    /// <param name="handler">HTTP handler to use instead of the default one (tests, benchmarks, proxies).</param>
    /// <param name="auth">How calls are authorized; null: the webhook of <paramref name="options"/>.</param>
    public Bitrix24Client(
        Bitrix24ClientOptions options,
        ILogger<Bitrix24Client>? logger = null,
        TimeProvider? timeProvider = null,
        LeakyBucketLimiter? limiter = null,
        HttpMessageHandler? handler = null,
        IBitrix24Auth? auth = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Auth = auth ?? new WebhookAuth(WebhookUrl.Parse(options.WebhookUrl));
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "RequestTimeout must be positive.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<Bitrix24Client>.Instance;
        Limiter = limiter ?? new LeakyBucketLimiter(options.RateLimit, _time);
        Operating = new OperatingLimits(_time, options.Operating);
        _transport = new Bitrix24Transport(Auth, options.RequestTimeout, handler, Operating, _time, _logger);
        _retries = new RetryPipelines(options.Retry, _time, _logger);
        _instruments = new Bitrix24Instruments(options.MeterFactory, options.Portal);
    }

    /// <summary>The webhook this client talks to (null in app mode); its ToString is masked.</summary>
    public WebhookUrl? Webhook => (Auth as WebhookAuth)?.Webhook;

    public IBitrix24Auth Auth { get; }

    public LeakyBucketLimiter Limiter { get; }

    /// <summary>Each method's use of the portal's execution-time limit, and whether it should wait (<see cref="OperatingLimits.HeldUntil"/>).</summary>
    public OperatingLimits Operating { get; }

    /// <summary>
    /// Calls any REST method. <paramref name="map"/> reads the result while the response is alive; the body is
    /// serialized once, so every retry sends exactly the same request.
    /// </summary>
    public async Task<T> CallAsync<T>(string method, BitrixParams parameters, RetryRule rule, Func<Bitrix24Response, T> map, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(map);
        var attempt = new Attempt<T>(this, method, System.Text.Encoding.UTF8.GetString(ParamsWriter.ToJson(parameters)), map);
        return await _retries.For(rule).ExecuteAsync(
            static (state, ct) => new ValueTask<T>(state.RunAsync(ct)),
            attempt,
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _transport.Dispose();

    private sealed class Attempt<T>(Bitrix24Client client, string method, string body, Func<Bitrix24Response, T> map)
    {
        public async Task<T> RunAsync(CancellationToken cancellationToken)
        {
            await WaitForBudgetAsync(cancellationToken).ConfigureAwait(false);
            Bitrix24Credential credential = await client.Auth.CurrentAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await SendAsync(credential, cancellationToken).ConfigureAwait(false);
            }
            catch (Bitrix24Exception e) when (e.IsRenewableAuth)
            {
                if (!await client.Auth.RenewAsync(credential, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }

            // Once only: a second refusal of a fresh token is not about expiry.
            await WaitForBudgetAsync(cancellationToken).ConfigureAwait(false);
            credential = await client.Auth.CurrentAsync(cancellationToken).ConfigureAwait(false);
            return await SendAsync(credential, cancellationToken).ConfigureAwait(false);
        }

        private async Task<T> SendAsync(Bitrix24Credential credential, CancellationToken cancellationToken)
        {
            long started = client._time.GetTimestamp();
            try
            {
                T result = await client._transport.SendAsync(method, body, credential, map, cancellationToken).ConfigureAwait(false);
                client._instruments.Attempted(method, client._time.GetElapsedTime(started), null);
                return result;
            }
            catch (Bitrix24Exception e)
            {
                client._instruments.Attempted(method, client._time.GetElapsedTime(started), e);
                throw;
            }
        }

        private async ValueTask WaitForBudgetAsync(CancellationToken cancellationToken)
        {
            ValueTask wait = client.Limiter.WaitAsync(cancellationToken);
            if (wait.IsCompletedSuccessfully)
            {
                return;
            }

            long started = client._time.GetTimestamp();
            await wait.ConfigureAwait(false);
            client._instruments.Waited(client._time.GetElapsedTime(started));
        }
    }
}

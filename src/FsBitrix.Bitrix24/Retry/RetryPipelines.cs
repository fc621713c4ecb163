using FsBitrix.Bitrix24.Errors;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace FsBitrix.Bitrix24.Retry;

/// <summary>One Polly pipeline per <see cref="RetryRule"/>, built once and shared by all calls.</summary>
internal sealed partial class RetryPipelines
{
    private readonly ResiliencePipeline _idempotent;
    private readonly ResiliencePipeline _onlyIfNotExecuted;
    private readonly RetryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RetryPipelines(RetryOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _idempotent = Build(RetryRule.Idempotent);
        _onlyIfNotExecuted = Build(RetryRule.OnlyIfNotExecuted);
    }

    public ResiliencePipeline For(RetryRule rule) => rule == RetryRule.Idempotent ? _idempotent : _onlyIfNotExecuted;

    /// <summary>The decision itself, separate from Polly so that it reads (and tests) as a rule table.</summary>
    internal bool ShouldRetry(Bitrix24Exception e, RetryRule rule)
    {
        bool retryableKind = e.Kind switch
        {
            Bitrix24ErrorKind.RateLimited or Bitrix24ErrorKind.Transient => true,
            Bitrix24ErrorKind.OperationTimeLimit => e.RetryAt is { } at && at - _time.GetUtcNow() <= _options.MaxOperatingLimitWait,
            _ => false,
        };
        return retryableKind && (rule == RetryRule.Idempotent || !e.MayHaveExecuted);
    }

    private ResiliencePipeline Build(RetryRule rule)
    {
        if (_options.MaxRetryAttempts <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = _options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.BaseDelay,
            MaxDelay = _options.MaxDelay,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is Bitrix24Exception e && ShouldRetry(e, rule)),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is Bitrix24Exception { Kind: Bitrix24ErrorKind.OperationTimeLimit, RetryAt: { } at }
                    ? TimeSpan.FromTicks(Math.Max(0, (at - _time.GetUtcNow()).Ticks))
                    : (TimeSpan?)null),
            OnRetry = args =>
            {
                LogRetry(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "no exception");
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitrix24 retry #{Attempt} in {DelayMs:0} ms after: {Failure}")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string failure);
}

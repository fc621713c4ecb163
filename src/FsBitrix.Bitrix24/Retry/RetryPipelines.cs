using FsBitrix.Bitrix24.Errors;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace FsBitrix.Bitrix24.Retry;

/// <summary>One Polly pipeline per <see cref="RetryRule"/>, built once and shared by all calls.</summary>
internal sealed partial class RetryPipelines
{
    private readonly ResiliencePipeline idempotent;
    private readonly ResiliencePipeline onlyIfNotExecuted;
    private readonly RetryOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    public RetryPipelines(RetryOptions options, TimeProvider time, ILogger logger)
    {
        this.options = options;
        this.time = time;
        this.logger = logger;
        idempotent = Build(RetryRule.Idempotent);
        onlyIfNotExecuted = Build(RetryRule.OnlyIfNotExecuted);
    }

    public ResiliencePipeline For(RetryRule rule) => rule == RetryRule.Idempotent ? idempotent : onlyIfNotExecuted;

    /// <summary>The decision itself, separate from Polly so that it reads (and tests) as a rule table.</summary>
    internal bool ShouldRetry(Bitrix24Exception e, RetryRule rule)
    {
        bool retryableKind = e.Kind switch
        {
            Bitrix24ErrorKind.RateLimited or Bitrix24ErrorKind.Transient => true,
            Bitrix24ErrorKind.OperationTimeLimit => e.RetryAt is { } at && at - time.GetUtcNow() <= options.MaxOperatingLimitWait,
            _ => false,
        };
        return retryableKind && (rule == RetryRule.Idempotent || !e.MayHaveExecuted);
    }

    private ResiliencePipeline Build(RetryRule rule)
    {
        if (options.MaxRetryAttempts <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is Bitrix24Exception e && ShouldRetry(e, rule)),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is Bitrix24Exception { Kind: Bitrix24ErrorKind.OperationTimeLimit, RetryAt: { } at }
                    ? TimeSpan.FromTicks(Math.Max(0, (at - time.GetUtcNow()).Ticks))
                    : (TimeSpan?)null),
            OnRetry = args =>
            {
                LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "no exception");
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitrix24 retry #{Attempt} in {DelayMs:0} ms after: {Failure}")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string failure);
}

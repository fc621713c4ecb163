using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;

namespace FsBitrix.Bitrix24;

public sealed partial class Bitrix24Client
{
    public Task<BatchResult> BatchAsync(IReadOnlyList<BatchCommand> commands, bool halt = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one command.", nameof(commands));
        }

        if (commands.Count > Bitrix24Methods.MaxBatchCommands)
        {
            throw new ArgumentException($"A batch holds at most {Bitrix24Methods.MaxBatchCommands} commands (Bitrix24: ERROR_BATCH_LENGTH_EXCEEDED); got {commands.Count}. Split it.", nameof(commands));
        }

        var cmd = new BitrixParams();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        RetryRule rule = RetryRule.Idempotent;
        foreach (BatchCommand command in commands)
        {
            if (!keys.Add(command.Key))
            {
                throw new ArgumentException($"Batch command key '{command.Key}' is used twice.", nameof(commands));
            }

            cmd.Add(command.Key, command.ToCommandLine());
            if (command.Rule == RetryRule.OnlyIfNotExecuted)
            {
                // One non-idempotent command makes the whole batch unsafe to resend.
                rule = RetryRule.OnlyIfNotExecuted;
            }
        }

        var parameters = new BitrixParams().AddFlag("halt", halt).Add("cmd", cmd);
        return CallAsync(Bitrix24Methods.Batch, parameters, rule, r => Observed(commands, r.Result), cancellationToken);
    }

    // Each command counts against its own method's operating time (the batch itself does not): its result_time says
    // how long it ran, and a command refused for the limit blocks its method as a request of its own would.
    private BatchResult Observed(IReadOnlyList<BatchCommand> commands, System.Text.Json.JsonElement answer)
    {
        BatchResult result = BatchResult.Read(answer);
        System.Text.Json.JsonElement? times = Json.JsonRead.Property(answer, "result_time");
        foreach (BatchCommand command in commands)
        {
            if (result.Errors.TryGetValue(command.Key, out BatchError? error)
                && error.Error.Equals("OPERATION_TIME_LIMIT", StringComparison.OrdinalIgnoreCase))
            {
                Operating.Block(command.Method, null);
            }
            else if (result.Results.ContainsKey(command.Key))
            {
                Operating.Observe(command.Method, times is { ValueKind: System.Text.Json.JsonValueKind.Object } t
                    ? Json.JsonRead.Property(t, command.Key) : null);
            }
        }

        return result;
    }
}

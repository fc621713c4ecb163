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
        return CallAsync(Bitrix24Methods.Batch, parameters, rule, static r => BatchResult.Read(r.Result), cancellationToken);
    }
}

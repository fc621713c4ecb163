using System.Text.Json;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Json;
using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Bitrix24.Batch;

// Reading the answers of TelephonyBatch commands: a command's result_error is thrown as the exception its
// standalone call would have thrown.
public sealed partial record BatchResult
{
    public RegisteredCall Registered(string key) => Read(key, Bitrix24Methods.Register, RegisteredCall.Read);

    public IReadOnlyList<CrmEntityMatch> CrmEntities(string key) =>
        Read<IReadOnlyList<CrmEntityMatch>>(key, Bitrix24Methods.SearchCrmEntities, static r => [.. JsonRead.Items(r).Select(CrmEntityMatch.Read)]);

    public FinishedCall Finished(string key) => Read(key, Bitrix24Methods.Finish, FinishedCall.Read);

    public AttachedRecord Attached(string key) => Read(key, Bitrix24Methods.AttachRecord, AttachedRecord.Read);

    /// <summary>A show or hide: true if done, false if the call is not live.</summary>
    public bool CardChanged(string key, string method) => Read(key, method, static r => r.ValueKind == JsonValueKind.True);

    private T Read<T>(string key, string method, Func<JsonElement, T> read)
    {
        if (Errors.TryGetValue(key, out BatchError? error))
        {
            throw error.ToException(method);
        }

        // Nothing either way: an earlier command halted the batch, so this one did not run.
        return Results.TryGetValue(key, out JsonElement result)
            ? read(result)
            : throw new Bitrix24Exception(method, Bitrix24ErrorKind.Transient, 200, string.Empty, $"batch command '{key}' did not run", mayHaveExecuted: false);
    }
}

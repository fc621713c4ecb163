using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsBitrix.Sandbox.Faults;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>batch</c>: up to 50 <c>method?query</c> commands run in order, each answering on its own
/// (<c>result_error</c>), with <c>$result[key][FIELD]</c> references to earlier answers and <c>halt</c>. A fault armed
/// for a command's method by name fails that command inside the batch.
/// </summary>
internal sealed partial class BatchMethod(Func<RestDispatcher> dispatcher, PortalState state, SandboxOptions options, SandboxFaults faults) : IRestMethod
{
    private const int MaxCommands = 50;

    public string Name => "batch";

    public MethodResult Invoke(RestParams p)
    {
        RestParams commands = p.Object("cmd") ?? new RestParams([]);
        if (commands.Root.Count > MaxCommands)
        {
            throw new RestError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
        }

        bool halt = p.Bool("halt") ?? false;
        var results = new JsonObject();
        var errors = new JsonObject();
        var totals = new JsonObject();
        var next = new JsonObject();
        var times = new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> command in commands.Root)
        {
            string line = command.Value is JsonValue v ? RestParams.Scalar(v) ?? string.Empty : string.Empty;
            int question = line.IndexOf('?', StringComparison.Ordinal);
            string method = RestDispatcher.NormalizeMethod(question < 0 ? line : line[..question]);
            DateTimeOffset started = state.Time.GetUtcNow();
            state.CountArrival(method);
            // Logged as a request of its own would be: its parameters as JSON, references filled in.
            var parameters = new JsonObject();
            string logged = "{}";
            try
            {
                if (method == Name)
                {
                    throw new RestError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage");
                }

                if (faults.TakeInBatch(method) is { } fault)
                {
                    throw SandboxFaults.AsError(fault);
                }

                dispatcher().ThrowIfOperatingUsedUp(method);

                if (question >= 0)
                {
                    PhpForm.AddQuery(parameters, line[(question + 1)..]);
                }

                Substitute(parameters, results);
                logged = new RestParams(parameters).ToString();
                logged = logged.Length > 4000 ? logged[..4000] + "…" : logged;
                MethodResult result = dispatcher().Execute(method, new RestParams(parameters));
                results[command.Key] = result.Result?.DeepClone();
                if (result.Total is { } total)
                {
                    totals[command.Key] = total;
                }

                if (result.Next is { } n)
                {
                    next[command.Key] = n;
                }

                times[command.Key] = Envelope.Time(started, state.Time.GetUtcNow(), options.PortalUtcOffset, withOperating: false,
                    dispatcher().CountOperating(method));
                state.RecordRequest(started, method, 200, string.Empty, logged, inBatch: true);
            }
            catch (RestError e)
            {
                errors[command.Key] = Envelope.Error(e.Error, e.Description);
                state.RecordRequest(started, method, e.Status, e.Error, logged, inBatch: true);
                if (halt)
                {
                    break;
                }
            }
        }

        // PHP serialises an empty array as [], never {}.
        return new MethodResult(new JsonObject
        {
            ["result"] = MapOrList(results),
            ["result_error"] = MapOrList(errors),
            ["result_total"] = MapOrList(totals),
            ["result_next"] = MapOrList(next),
            ["result_time"] = MapOrList(times),
        });
    }

    private static JsonNode MapOrList(JsonObject map) => map.Count == 0 ? new JsonArray() : map;

    /// <summary>Replaces <c>$result[key][FIELD]…</c> in every value with what an earlier command returned.</summary>
    private static void Substitute(JsonObject parameters, JsonObject results)
    {
        foreach (KeyValuePair<string, JsonNode?> item in parameters.ToList())
        {
            switch (item.Value)
            {
                case JsonObject nested:
                    Substitute(nested, results);
                    break;
                case JsonValue value when RestParams.Scalar(value) is { } text && text.Contains("$result[", StringComparison.Ordinal):
                    parameters[item.Key] = Reference().Replace(text, m => Resolve(results, m));
                    break;
            }
        }
    }

    private static string Resolve(JsonObject results, Match match)
    {
        JsonNode? node = results[match.Groups["key"].Value];
        foreach (Capture segment in match.Groups["path"].Captures)
        {
            node = node switch
            {
                JsonObject o => o[segment.Value],
                JsonArray a when int.TryParse(segment.Value, out int i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
        }

        return node is JsonValue v ? RestParams.Scalar(v) ?? string.Empty : string.Empty;
    }

    [GeneratedRegex(@"\$result\[(?<key>[^\]]+)\](?:\[(?<path>[^\]]+)\])*")]
    private static partial Regex Reference();
}

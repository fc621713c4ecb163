using System.Text.Json.Nodes;
using FsBitrix.Sandbox.OAuth;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>event.offline.get</c>: the oldest <c>limit</c> (default 50) queued events. <c>clear=1</c> (the default)
/// deletes them in the same call and answers <c>process_id: null</c>. <c>clear=0</c> needs the
/// <c>rest_offline_extended</c> feature, which this portal's plan lacks, so it is <c>WRONG_LICENSE</c>.
/// </summary>
internal sealed class EventOfflineGetMethod(OfflineQueue queue, SandboxOptions options) : ICallerAwareMethod
{
    private const int DefaultLimit = 50;

    public string Name => "event.offline.get";

    public MethodResult Invoke(RestParams parameters) => throw AppOnly.WrongAuthType();

    public MethodResult Invoke(RestParams parameters, RestCaller caller)
    {
        AppOnly.Require(caller);
        long limit = parameters.Has("limit") ? parameters.Long("limit") : DefaultLimit;
        if (limit <= 0)
        {
            throw new RestError(400, "ERROR_ARGUMENT", "Value must be positive integer");
        }

        if (!(parameters.Bool("clear") ?? true))
        {
            // The status is an inference: LicenseException is a RestException raised as an access refusal.
            throw new RestError(403, "WRONG_LICENSE", "This feature is not enabled for the current license: rest_offline_extended");
        }

        var events = new JsonArray();
        foreach (OfflineEvent e in queue.Take((int)Math.Min(limit, int.MaxValue), clear: true))
        {
            events.Add(new JsonObject
            {
                ["ID"] = e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["TIMESTAMP_X"] = Envelope.Iso(e.Timestamp, options.PortalUtcOffset),
                ["EVENT_NAME"] = e.EventName,
                ["EVENT_DATA"] = e.Data.DeepClone(),
                ["EVENT_ADDITIONAL"] = e.UserId is { } user ? new JsonObject { ["user_id"] = user } : JsonValue.Create(false),
                ["MESSAGE_ID"] = e.MessageId,
            });
        }

        return new MethodResult(new JsonObject { ["process_id"] = null, ["events"] = events });
    }
}

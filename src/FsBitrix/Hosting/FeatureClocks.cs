using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Hosting;

/// <summary>
/// The clock a feature runs on: DI's <see cref="TimeProvider"/>, unless a keyed one is registered for the feature —
/// how tests move one feature's timers (a queue's ring timeout, an access token's expiry) without the others'.
/// Clocks are services, never configuration.
/// </summary>
internal static class FeatureClocks
{
    public const string Queues = "queues";

    public const string Auth = "auth";

    public const string OwnerLookup = "owner-lookup";

    public static TimeProvider Of(IServiceProvider services, string feature) =>
        services.GetKeyedService<TimeProvider>(feature) ?? services.GetRequiredService<TimeProvider>();
}

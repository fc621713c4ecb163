using FsBitrix.Hosting;
using FsBitrix.AppMode;
using FsBitrix.Sandbox.OAuth;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests;

/// <summary>
/// The portal's event bindings are put back as the configuration says at start-up and every
/// <c>Bitrix:BindingsCheckInterval</c>: after an app update dropped them, and after a switch of <c>Bitrix:Events</c>
/// (with both kinds bound every click comes twice, and the other kind piles up or goes nowhere).
/// </summary>
[CancelAfter(60_000)]
public class AppModeBindingsTests
{
    [Test]
    public async Task Bindings_an_app_update_dropped_are_bound_again_by_the_next_check()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using ServiceHarness h = await ServiceHarness.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(FeatureClocks.Auth, clock), appMode: true);
        await CheckedAsync(h, 1);
        await h.Portal.App.InstallAsync(h.InstallUrl);
        Assert.That(h.Portal.App.Bindings.DropAll(), Is.EqualTo(2));

        clock.Advance(new Configuration.BitrixSettings().BindingsCheckInterval);
        await CheckedAsync(h, 2);

        Assert.That(h.Portal.App.Bindings.All, Is.EquivalentTo(Online(h)), "where the install came, though Bitrix:PublicUrl is unset");
    }

    [Test]
    public async Task Switching_to_offline_events_unbinds_the_online_rows_at_start_up()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        await h.Portal.App.InstallAsync(h.InstallUrl);
        Assert.That(h.Portal.App.Bindings.All, Is.EquivalentTo(Online(h)));

        await RestartAsync(h, o => o.Bitrix.Events = "offline");

        Assert.That(h.Portal.App.Bindings.All, Is.EquivalentTo(Offline()));
        List<string> order = [.. h.Portal.State.Requests.Select(r => r.Method).Where(m => m is "event.bind" or "event.unbind")];
        Assert.That(order, Is.EqualTo(new[] { "event.bind", "event.bind", "event.bind", "event.unbind", "event.bind", "event.unbind" }),
            "the install's two binds; then per event the new kind bound before the old unbound, so no click falls between");
    }

    [Test]
    public async Task Switching_back_to_online_events_binds_where_the_last_install_came_and_unbinds_the_offline_rows()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.Events = "offline", appMode: true);
        await h.Portal.App.InstallAsync(h.InstallUrl);
        Assert.That(h.Portal.App.Bindings.All, Is.EquivalentTo(Offline()));

        await RestartAsync(h, o => o.Bitrix.Events = "online");

        Assert.That(h.Portal.App.Bindings.All, Is.EquivalentTo(Online(h)));
    }

    [Test]
    public async Task A_changed_public_url_moves_the_online_rows_there()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        await h.Portal.App.InstallAsync(h.InstallUrl);
        var moved = new Uri(h.EventsUrl, "/");
        string publicUrl = $"http://127.0.0.2:{moved.Port}/";

        await RestartAsync(h, o => o.Bitrix.PublicUrl = publicUrl);

        string handler = publicUrl + "bitrix/events";
        Assert.That(h.Portal.App.Bindings.All.Select(b => (b.Event, b.Handler, b.Offline)), Is.EquivalentTo(new[]
        {
            ("ONEXTERNALCALLSTART", (string?)handler, false),
            ("ONEXTERNALCALLBACKSTART", (string?)handler, false),
        }));
    }

    private static EventBinding[] Online(ServiceHarness h) =>
    [
        new("ONEXTERNALCALLSTART", h.EventsUrl.AbsoluteUri, 0, false, string.Empty),
        new("ONEXTERNALCALLBACKSTART", h.EventsUrl.AbsoluteUri, 0, false, string.Empty),
    ];

    private static EventBinding[] Offline() =>
    [
        new("ONEXTERNALCALLSTART", null, 0, true, string.Empty),
        new("ONEXTERNALCALLBACKSTART", null, 0, true, string.Empty),
    ];

    /// <summary>Stops the service and starts it again on the same address, with <paramref name="change"/>; returns after its start-up check.</summary>
    private static async Task RestartAsync(ServiceHarness h, Action<Configuration.FsBitrixOptions> change)
    {
        string address = new Uri(h.EventsUrl, "/").AbsoluteUri.TrimEnd('/');
        await h.StopServiceAsync();
        await h.StartServiceAsync(o =>
        {
            o.Http.Urls = address;
            change(o);
        });
        await CheckedAsync(h, 1);
    }

    private static async Task CheckedAsync(ServiceHarness h, int rounds)
    {
        AppBindingsWatch watch = h.Service!.Services.GetRequiredService<AppBindingsWatch>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Checked(int n)
        {
            if (n >= rounds)
            {
                done.TrySetResult();
            }
        }

        watch.Checked += Checked;
        try
        {
            if (watch.Runs < rounds)
            {
                await done.Task.WaitAsync(ServiceHarness.Patience);
            }
        }
        finally
        {
            watch.Checked -= Checked;
        }
    }
}

using FsBitrix.AppMode;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Cdr;

namespace FsBitrix.Tests.Storage;

/// <summary>
/// The local-application installations and the CDR inbox, the same contract on SQLite and on PostgreSQL, each case
/// against a real database of its own; "two instances" are two stores on one database.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[CancelAfter(60_000)]
public class StoreContractTests(string provider) : ProviderContract(provider)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_796_700_000_000);

    [Test]
    public async Task Each_company_keeps_its_own_installation_and_the_latest_tokens_win()
    {
        IInstallationStore defaults = Installation(string.Empty), bs = Installation("b.example");
        await defaults.SaveAsync(Grant("m-default", "refresh-1"), CancellationToken.None);
        await bs.SaveAsync(Grant("m-b", "refresh-b"), CancellationToken.None);

        // Another instance renews the default portal's tokens: the next load anywhere has them.
        await Installation(string.Empty).SaveAsync(Grant("m-default", "refresh-2") with { Refusal = null, UserId = 7 }, CancellationToken.None);
        await bs.SaveEventsUrlAsync(new Uri("https://pbx.example.com/bitrix/events"), CancellationToken.None);

        OAuthGrant loaded = (await defaults.LoadAsync(CancellationToken.None))!;
        Assert.Multiple(async () =>
        {
            Assert.That((loaded.MemberId, loaded.RefreshToken, loaded.UserId), Is.EqualTo(("m-default", "refresh-2", (int?)7)));
            Assert.That(loaded.ExpiresAt, Is.EqualTo(T0.AddHours(1)));
            Assert.That(loaded.ClientEndpoint, Is.EqualTo(new Uri("https://a.bitrix24.test/rest/")));
            Assert.That((await bs.LoadAsync(CancellationToken.None))!.RefreshToken, Is.EqualTo("refresh-b"));
            Assert.That(await bs.LoadEventsUrlAsync(CancellationToken.None), Is.EqualTo(new Uri("https://pbx.example.com/bitrix/events")));
            Assert.That(await defaults.LoadEventsUrlAsync(CancellationToken.None), Is.Null);
            Assert.That(await Installation("c.example").LoadAsync(CancellationToken.None), Is.Null, "never installed");
        });
    }

    [Test]
    public void A_cdr_leg_is_kept_once_until_dealt_with_and_then_only_its_uuid_stays()
    {
        ICdrInbox inbox = Inbox(), other = Inbox();

        Assert.That(inbox.Add("leg-1", "<cdr a/>", T0), Is.True);
        Assert.That(other.Add("leg-1", "<cdr a/>", T0.AddSeconds(1)), Is.False, "the same leg posted to another instance");
        Assert.That(inbox.Add("leg-2", "<cdr b/>", T0.AddSeconds(2)), Is.True);
        Assert.That(other.Waiting().Select(l => (l.Uuid, l.Xml, l.ReceivedAt)), Is.EqualTo(new[]
        {
            ("leg-1", "<cdr a/>", T0), ("leg-2", "<cdr b/>", T0.AddSeconds(2)),
        }));

        other.Done(["leg-1", "leg-2"], "imported", T0.AddMinutes(1));

        Assert.Multiple(() =>
        {
            Assert.That(inbox.Waiting(), Is.Empty);
            Assert.That((inbox.Knows("leg-1"), inbox.Outcome("leg-1"), inbox.Outcome("leg-3")), Is.EqualTo((true, "imported", (string?)null)));
            Assert.That(inbox.Add("leg-1", "<cdr a/>", T0.AddMinutes(2)), Is.False, "a repeat after the import is still a repeat");
        });

        inbox.Prune(T0.AddMinutes(2));
        Assert.That(inbox.Knows("leg-1"), Is.False, "forgotten once past the horizon");
    }

    [Test]
    public async Task A_link_made_by_one_instance_is_served_by_another_until_it_expires_and_every_instance_signs_with_one_key()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        FsBitrix.Recordings.IRecordingLinkStore one = Links(time), other = Links(time);

        byte[] key = await one.KeyAsync();
        string id = await one.AddAsync("/var/lib/freeswitch/recordings/a.wav", T0.AddDays(7));

        Assert.Multiple(async () =>
        {
            Assert.That(key, Has.Length.EqualTo(32));
            Assert.That(await other.KeyAsync(), Is.EqualTo(key), "made once, the same for every instance and every start");
            Assert.That(await other.PathOfAsync(id), Is.EqualTo("/var/lib/freeswitch/recordings/a.wav"));
            Assert.That(await other.PathOfAsync("not-a-link"), Is.Null);
        });

        time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.That(await other.PathOfAsync(id), Is.Null, "expired");
        Assert.That(await one.PruneAsync(), Is.EqualTo(1));
    }

    private static OAuthGrant Grant(string member, string refresh) => new()
    {
        MemberId = member,
        Domain = "a.bitrix24.test",
        ClientEndpoint = new Uri("https://a.bitrix24.test/rest/"),
        ServerEndpoint = new Uri("https://oauth.bitrix.info/rest/"),
        ApplicationToken = "app-" + member,
        AccessToken = "access-" + refresh,
        RefreshToken = refresh,
        ExpiresAt = T0.AddHours(1),
        Scope = "telephony,crm,user",
        UserId = 1,
        Refusal = "refused once",
    };

    private IInstallationStore Installation(string tenant) => Db.Opened<IInstallationStore>(Db.DataSource is { } postgres
        ? new PostgresInstallationStore(postgres, TimeProvider.System, tenant)
        : new InstallationStore(Db.SqlitePath!, TimeProvider.System, tenant));

    private FsBitrix.Recordings.IRecordingLinkStore Links(TimeProvider time) =>
        Db.Opened<FsBitrix.Recordings.IRecordingLinkStore>(Db.DataSource is { } postgres
            ? new FsBitrix.Recordings.PostgresRecordingLinkStore(postgres, time)
            : FsBitrix.Recordings.RecordingLinkStore.Open(Db.SqlitePath!, time));

    private ICdrInbox Inbox() =>
        Db.Opened<ICdrInbox>(Db.DataSource is { } postgres ? new PostgresCdrInbox(postgres) : CdrInbox.Open(Db.SqlitePath!));
}

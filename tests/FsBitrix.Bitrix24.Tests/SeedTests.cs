using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Seed;

namespace FsBitrix.Bitrix24.Tests;

public sealed class SeedTests
{
    [Test]
    public async Task A_seed_file_replaces_the_default_users_and_crm()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            { "users": [ { "ID": 7, "NAME": "Gleb", "UF_PHONE_INNER": "701" } ],
              "contacts": [ { "ID": 5, "NAME": "Client", "PHONES": [ "+15550001111" ], "ASSIGNED_BY_ID": 7 } ] }
            """);
        try
        {
            await using SandboxPortal portal = await Portal.StartAsync(o => o.Seed = SandboxSeed.FromFile(path));
            using Bitrix24Client client = Portal.Client(portal);

            var match = (await client.SearchCrmEntitiesAsync("+1 555 000 1111")).Single();
            Assert.That(match.AssignedBy!.UserPhoneInner, Is.EqualTo("701"));
            Assert.That(portal.State.Users.Select(u => u.Id), Is.EqualTo(new[] { 7 }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task A_broken_seed_file_is_refused_with_its_name()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "users": [ { "NAME": "no id" } ] }""");
        try
        {
            InvalidDataException e = Assert.Throws<InvalidDataException>(() => SandboxSeed.FromFile(path))!;
            Assert.That(e.Message, Does.Contain(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using FsBitrix.Configuration;
using FsBitrix.Hosting;
using FsBitrix.Tenants;

namespace FsBitrix.Tests.Tenants;

/// <summary>FsBitrix:Tenants is checked at start-up (exit code 78), each problem a sentence naming the key.</summary>
public class TenantConfigurationTests
{
    [Test]
    public void The_service_refuses_to_start_with_broken_tenants_and_says_why()
    {
        var error = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync([], o =>
        {
            o.Bitrix.WebhookUrl = "http://127.0.0.1:1/rest/1/abc/";
            o.Tenants.Add(new TenantSettings { Domain = "b.example", WebhookUrl = "http://127.0.0.1:2/rest/1/b/" });
            o.Tenants.Add(new TenantSettings { Domain = "B.example", WebhookUrl = "http://127.0.0.1:3/rest/1/c/" });
            o.Tenants.Add(new TenantSettings { Domain = "c.example" });
            o.Tenants.Add(new TenantSettings { WebhookUrl = "http://127.0.0.1:4/rest/1/d/" });
            o.Tenants.Add(new TenantSettings { Domain = "e.example", Auth = "app" });
            o.Tenants.Add(new TenantSettings { Domain = "f.example", Auth = "oauth" });
            o.Tenants.Add(new TenantSettings { Domain = "g.example", Auth = "app", PortalDomain = "g.bitrix24.com", Events = "sometimes" });
            o.Tenants.Add(new TenantSettings { Domain = "h.example", Auth = "app", PortalDomain = "G.bitrix24.com" });
            o.Tenants.Add(new TenantSettings { Domain = "i.example", WebhookUrl = "http://127.0.0.1:5/rest/1/i/", Events = "offline" });
        }))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:1:Domain 'B.example' is listed twice"));
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:2:WebhookUrl is not set"));
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:3:Domain is not set"));
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:4:PortalDomain must be set in app mode"));
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:5:Auth is 'oauth'"));
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:6:Events is 'sometimes'"));
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:7:PortalDomain 'G.bitrix24.com' is another company's portal too"));
            Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Tenants:8:Events=offline needs FsBitrix:Tenants:8:Auth=app"));
            Assert.That(error.Problems, Has.Count.EqualTo(8));
        });
    }

    [Test]
    public void Tenants_bind_from_the_environment_form()
    {
        string[] names = ["FsBitrix__Tenants__0__Domain", "FsBitrix__Tenants__0__WebhookUrl", "FsBitrix__Tenants__0__Users__1001"];
        string[] values = ["b.example", "https://b.bitrix24.com/rest/7/secret/", "12"];
        for (int i = 0; i < names.Length; i++)
        {
            Environment.SetEnvironmentVariable(names[i], values[i]);
        }

        try
        {
            var options = new FsBitrixOptions();
            Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(ServiceConfiguration.Build([]).GetSection(FsBitrixOptions.Section), options);

            TenantSettings tenant = options.Tenants.Single();
            Assert.That((tenant.Domain, tenant.WebhookUrl, tenant.Users["1001"]), Is.EqualTo(("b.example", "https://b.bitrix24.com/rest/7/secret/", 12)));
        }
        finally
        {
            foreach (string name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }
}

using FsBitrix.Cdr;
using FsBitrix.ClickToCall;
using FsBitrix.OwnerLookup;
using FsBitrix.Queues;
using FsBitrix.Status;
using FsBitrix.Tenants;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FsBitrix.Configuration;

/// <summary>
/// Each feature's options: its own section of <c>FsBitrix</c>, bound with <c>AddOptions&lt;T&gt;().Bind(…)</c>,
/// validated at start (<c>ValidateOnStart</c>; <see cref="Hosting.FsBitrixApp"/> turns the failures into exit code 78), and
/// injected as the section alone (<c>EslSettings</c>, <c>RecordingSettings</c>…), so a part sees only what it reads.
/// </summary>
internal static class OptionsComposition
{
    /// <param name="lastWord">
    /// The demo's and tests' overrides, written against the whole shape: applied to each section after binding, on the
    /// whole configuration with that section in its place (a section is changed only by what the override sets in it;
    /// the override runs once per section, so it only sets values).
    /// </param>
    public static IServiceCollection AddFsBitrixOptions(this IServiceCollection services, IConfiguration configuration,
        Action<FsBitrixOptions>? lastWord)
    {
        var sections = new Sections(services, configuration, lastWord);
        sections.Add<EslSettings>("Esl", (o, s) => o.Esl = s, (_, esl) => ConfigurationProblems.Esl(esl));
        sections.Add<BitrixSettings>("Bitrix", (o, s) => o.Bitrix = s, (_, bitrix) => ConfigurationProblems.Bitrix(bitrix));
        sections.Add<HttpSettings>("Http", (o, s) => o.Http = s);
        sections.Add<StorageSettings>("Storage", (o, s) => o.Storage = s, (_, storage) => ConfigurationProblems.Storage(storage));
        sections.Add<RecordingSettings>("Recordings", (o, s) => o.Recordings = s, (_, recordings) => ConfigurationProblems.Recordings(recordings));
        sections.Add<StatusSettings>("Status", (o, s) => o.Status = s);
        sections.Add<UsersSettings>("Users", (o, s) => o.Users = s);
        sections.Add<DialSettings>("Dial", (o, s) => o.Dial = s);
        sections.Add<CallsSettings>("Calls", (o, s) => o.Calls = s);
        sections.Add<ClickToCallSettings>("ClickToCall", (o, s) => o.ClickToCall = s);
        sections.Add<CdrSettings>("Cdr", (o, s) => o.Cdr = s, (_, cdr) => ConfigurationProblems.Cdr(cdr));
        sections.Add<OwnerLookupSettings>("OwnerLookup", (o, s) => o.OwnerLookup = s, (_, lookup) => ConfigurationProblems.OwnerLookup(lookup));

        // Sections checked against others: a company's app portal may not be the default's; queues need the socket address.
        sections.Add<TenantsSettings>("Tenants", (o, s) => o.Tenants = s,
            (sp, tenants) => TenantProblems.Find(sp.GetRequiredService<BitrixSettings>(), tenants).Distinct()
                .Except(ConfigurationProblems.Bitrix(sp.GetRequiredService<BitrixSettings>())));
        sections.Add<QueuesSettings>("Queues", (o, s) => o.Queues = s,
            (sp, queues) => QueueConfiguration.Problems(sp.GetRequiredService<EslSettings>(), sp.GetRequiredService<CallsSettings>(), queues,
                sp.GetRequiredService<TenantsSettings>()));

        // The rules' settings with the companies (the call reducer, queue presence, the owner lookup).
        services.AddSingleton(sp => sp.GetRequiredService<CallsSettings>().For(sp.GetRequiredService<TenantsSettings>()));
        return services;
    }

    /// <summary>The whole shape as the configuration and the overrides say it: what the composition decides parts from.</summary>
    public static FsBitrixOptions Read(IConfiguration configuration, Action<FsBitrixOptions>? lastWord)
    {
        var options = new FsBitrixOptions();
        configuration.GetSection(FsBitrixOptions.Section).Bind(options);
        lastWord?.Invoke(options);
        return options;
    }

    private sealed class Sections(IServiceCollection services, IConfiguration configuration, Action<FsBitrixOptions>? lastWord)
    {
        public void Add<T>(string key, Action<FsBitrixOptions, T> place, Func<IServiceProvider, T, IEnumerable<string>>? problems = null)
            where T : class
        {
            OptionsBuilder<T> builder = services.AddOptions<T>().Bind(configuration.GetSection($"{FsBitrixOptions.Section}:{key}"));
            if (lastWord is not null)
            {
                builder.PostConfigure(section =>
                {
                    // The whole shape as configured, with this section in its place: an override may read or index
                    // any section (o.Tenants[0]…) and set this one, exactly as it did on the whole.
                    FsBitrixOptions whole = Read(configuration, null);
                    place(whole, section);
                    lastWord(whole);
                });
            }

            if (problems is not null)
            {
                services.AddSingleton<IValidateOptions<T>>(sp => new SectionValidation<T>(section => problems(sp, section)));
            }

            builder.ValidateOnStart();
            services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        }
    }

    private sealed class SectionValidation<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            List<string> found = [.. problems(options)];
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}

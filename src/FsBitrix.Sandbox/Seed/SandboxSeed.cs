using System.Text.Json;
using System.Text.Json.Serialization;

namespace FsBitrix.Sandbox.Seed;

/// <summary>Users and CRM records a sandbox portal starts with, in the field names of Bitrix24 itself.</summary>
public sealed record SandboxSeed
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [JsonPropertyName("users")]
    public IReadOnlyList<SeedUser> Users { get; init; } = [];

    [JsonPropertyName("contacts")]
    public IReadOnlyList<SeedCrmRecord> Contacts { get; init; } = [];

    [JsonPropertyName("companies")]
    public IReadOnlyList<SeedCrmRecord> Companies { get; init; } = [];

    [JsonPropertyName("leads")]
    public IReadOnlyList<SeedCrmRecord> Leads { get; init; } = [];

    /// <summary>The shipped seed: users with extensions 1001–1003 (and a dismissed 1004), the customer +79161234567.</summary>
    public static SandboxSeed Default() => Embedded("default-seed.json");

    /// <summary>Another company's portal (the demo's second tenant): other people, extensions 1001 and 1002 again.</summary>
    public static SandboxSeed SecondCompany() => Embedded("second-company-seed.json");

    private static SandboxSeed Embedded(string name)
    {
        using Stream stream = typeof(SandboxSeed).Assembly.GetManifestResourceStream("FsBitrix.Sandbox." + name)
            ?? throw new InvalidOperationException($"The sandbox seed {name} is missing from the assembly.");
        return Parse(stream, "embedded " + name);
    }

    public static SandboxSeed FromFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    private static SandboxSeed Parse(Stream stream, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<SandboxSeed>(stream, JsonOptions) ?? throw new InvalidDataException($"Sandbox seed {source} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Sandbox seed {source} is not valid: {e.Message}", e);
        }
    }
}

public sealed record SeedUser
{
    [JsonPropertyName("ID")]
    public required int Id { get; init; }

    [JsonPropertyName("NAME")]
    public string Name { get; init; } = string.Empty;

    [JsonPropertyName("LAST_NAME")]
    public string LastName { get; init; } = string.Empty;

    [JsonPropertyName("EMAIL")]
    public string Email { get; init; } = string.Empty;

    [JsonPropertyName("ACTIVE")]
    public bool Active { get; init; } = true;

    [JsonPropertyName("UF_PHONE_INNER")]
    public string? UfPhoneInner { get; init; }

    [JsonPropertyName("USER_TYPE")]
    public string UserType { get; init; } = "employee";

    [JsonPropertyName("PERSONAL_MOBILE")]
    public string? PersonalMobile { get; init; }

    [JsonPropertyName("WORK_PHONE")]
    public string? WorkPhone { get; init; }

    [JsonPropertyName("TIMEMAN_STATUS")]
    public string TimemanStatus { get; init; } = "OPENED";
}

public sealed record SeedCrmRecord
{
    [JsonPropertyName("ID")]
    public required long Id { get; init; }

    [JsonPropertyName("NAME")]
    public string Name { get; init; } = string.Empty;

    [JsonPropertyName("PHONES")]
    public IReadOnlyList<string> Phones { get; init; } = [];

    [JsonPropertyName("ASSIGNED_BY_ID")]
    public int AssignedById { get; init; }
}

using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Users;

/// <summary>An employee from <c>user.get</c>; <see cref="UfPhoneInner"/> is the extension ("internal phone").</summary>
public sealed record Bitrix24User
{
    public required int Id { get; init; }

    public bool Active { get; init; }

    public string? Name { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? UfPhoneInner { get; init; }

    public string? UserType { get; init; }

    public bool IsOnline { get; init; }

    public string FullName => string.Join(' ', new[] { Name, LastName }.Where(p => !string.IsNullOrWhiteSpace(p)));

    internal static Bitrix24User Read(JsonElement e) => new()
    {
        // ID arrives as a string in user.get.
        Id = JsonRead.Int(e, "ID") ?? throw new JsonException("user.get returned a user without ID"),
        Active = JsonRead.Bool(e, "ACTIVE") ?? false,
        Name = JsonRead.String(e, "NAME"),
        LastName = JsonRead.String(e, "LAST_NAME"),
        Email = JsonRead.String(e, "EMAIL"),
        UfPhoneInner = JsonRead.String(e, "UF_PHONE_INNER") is { Length: > 0 } inner ? inner.Trim() : null,
        UserType = JsonRead.String(e, "USER_TYPE"),
        IsOnline = JsonRead.String(e, "IS_ONLINE") == "Y",
    };
}

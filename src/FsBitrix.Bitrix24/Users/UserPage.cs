namespace FsBitrix.Bitrix24.Users;

/// <summary>One page of <c>user.get</c> (Bitrix24 fixes the page size at 50).</summary>
public sealed record UserPage(IReadOnlyList<Bitrix24User> Users, long? Total, long? Next);

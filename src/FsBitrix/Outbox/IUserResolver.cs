namespace FsBitrix.Outbox;

/// <summary>Extension → Bitrix24 user id (the user directory, or a fixed map in tests).</summary>
internal interface IUserResolver
{
    /// <summary>False until the first user list has been read: an unknown extension then means "not yet", not "none".</summary>
    bool IsReady { get; }

    int? UserIdOf(string extension);
}

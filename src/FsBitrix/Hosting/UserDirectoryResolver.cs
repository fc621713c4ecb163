using FsBitrix.Bitrix24.Users;
using FsBitrix.Outbox;

namespace FsBitrix.Hosting;

/// <summary>Extension → user through the Bitrix24 user directory (static map first, then user.get).</summary>
internal sealed class UserDirectoryResolver(Bitrix24UserDirectory directory) : IUserResolver
{
    public bool IsReady => directory.SnapshotTakenAt is not null;

    public int? UserIdOf(string extension) => directory.TryGetUserId(extension, out int id) ? id : null;
}

namespace FsBitrix.Storage;

/// <summary>
/// The database was written by a newer FsBitrix (a downgrade): its tables may mean what this version does not know,
/// so the service refuses to start rather than lose or misread what waits in it.
/// </summary>
internal sealed class DatabaseTooNewException(string path, int version, int known)
    : Exception($"{path} has schema version {version}, written by a newer FsBitrix; this one knows up to {known}. "
        + "Run the newer version again (nothing in the file was changed), or move the file aside to start afresh.")
{
    public int Version { get; } = version;
}

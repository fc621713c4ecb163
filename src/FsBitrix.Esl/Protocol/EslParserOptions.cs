namespace FsBitrix.Esl.Protocol;

/// <summary>Limits that keep a broken or hostile peer from making the parser hang or eat memory.</summary>
internal sealed record EslParserOptions
{
    /// <summary>FreeSWITCH 1.11.2 refuses bodies over 16 MiB itself; we refuse larger frames the same way.</summary>
    public const int DefaultMaxFrameBytes = 16 * 1024 * 1024;

    public static EslParserOptions Default { get; } = new();

    /// <summary>Largest header block or body accepted, in bytes.</summary>
    public int MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;
}

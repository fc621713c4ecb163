namespace FsBitrix.Core.Cdr;

/// <summary>A text that is not one leg's CDR: it is logged and skipped, never a crash.</summary>
public sealed class CdrFormatException : Exception
{
    public CdrFormatException()
    {
    }

    public CdrFormatException(string message)
        : base(message)
    {
    }

    public CdrFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

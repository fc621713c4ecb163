namespace FsBitrix.Esl.Connection;

/// <summary>The connection ended before the command or job got its answer; whether it ran is unknown.</summary>
public sealed class EslDisconnectedException : Exception
{
    public EslDisconnectedException() : base("the Event Socket connection is closed") { }
    public EslDisconnectedException(string message) : base(message) { }
    public EslDisconnectedException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>FreeSWITCH refused the password (<c>-ERR invalid</c>).</summary>
public sealed class EslAuthenticationException : Exception
{
    public EslAuthenticationException() : base("FreeSWITCH refused the Event Socket password (-ERR invalid)") { }
    public EslAuthenticationException(string message) : base(message) { }
    public EslAuthenticationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>FreeSWITCH's ACL refused this address (<c>text/rude-rejection</c>) before asking for a password.</summary>
public sealed class EslRudeRejectionException : Exception
{
    public EslRudeRejectionException() : base("FreeSWITCH rejected the connection") { }
    public EslRudeRejectionException(string message) : base(message) { }
    public EslRudeRejectionException(string message, Exception inner) : base(message, inner) { }
}

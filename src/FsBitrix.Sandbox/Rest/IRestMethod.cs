namespace FsBitrix.Sandbox.Rest;

/// <summary>One REST method of the sandbox portal.</summary>
internal interface IRestMethod
{
    /// <summary>Lower-case name, e.g. <c>telephony.externalcall.register</c>.</summary>
    string Name { get; }

    /// <summary>Runs the method; business failures are thrown as <see cref="RestError"/>.</summary>
    MethodResult Invoke(RestParams parameters);
}

namespace FsBitrix.Sandbox.Rest;

/// <summary>One REST method of the sandbox portal.</summary>
internal interface IRestMethod
{
    /// <summary>Lower-case name, e.g. <c>telephony.externalcall.register</c>.</summary>
    string Name { get; }

    /// <summary>Runs the method; business failures are thrown as <see cref="RestError"/>.</summary>
    MethodResult Invoke(RestParams parameters);
}

/// <summary>
/// A method with a slow part (a download) that runs before the portal's lock is taken for the method itself, so the
/// portal stays answerable meanwhile (the download may even come from the portal).
/// </summary>
internal interface IPrefetchingMethod : IRestMethod
{
    Task PrefetchAsync(RestParams parameters, CancellationToken cancellationToken);
}

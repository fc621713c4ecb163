using FsBitrix.Sandbox.OAuth;

namespace FsBitrix.Sandbox.Rest;

/// <summary>A method whose answer depends on who calls: <c>event.*</c> refuse webhooks, external lines belong to the caller.</summary>
internal interface ICallerAwareMethod : IRestMethod
{
    MethodResult Invoke(RestParams parameters, RestCaller caller);
}

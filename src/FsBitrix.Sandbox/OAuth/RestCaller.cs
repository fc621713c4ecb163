namespace FsBitrix.Sandbox.OAuth;

/// <summary>
/// Who is calling a REST method, as the portal's <c>$server-&gt;getAuthType()</c> sees it: an incoming webhook
/// (APAuth) or the local application with an OAuth access token. Methods such as <c>event.*</c> refuse webhooks.
/// </summary>
internal sealed record RestCaller(bool IsApp, int UserId)
{
    public static RestCaller Webhook(int userId) => new(false, userId);

    public static RestCaller App(int userId) => new(true, userId);
}

using FsBitrix.Bitrix24.Errors;

namespace FsBitrix.Status;

/// <summary>What an admin can do about a Bitrix24 error the outbox met: pure, one sentence per kind of trouble.</summary>
internal static class ErrorAdvice
{
    public static string For(Bitrix24ErrorKind? kind, string error) => kind switch
    {
        Bitrix24ErrorKind.RateLimited =>
            "The portal's request limit (2 a second on a cloud portal) was reached. FsBitrix waits and sends again; if it lasts, "
            + "another integration shares the budget of this webhook's IP.",
        Bitrix24ErrorKind.OperationTimeLimit =>
            "A method used up the portal's operating time (8 minutes in 10). Its commands wait until Bitrix24 releases it; nothing to do.",
        Bitrix24ErrorKind.Authorization =>
            "Bitrix24 refuses the credentials. Webhook: check FsBitrix:Bitrix:WebhookUrl (an incoming webhook with the telephony, user and crm "
            + "scopes) and restart. Local application: reinstall it. Commands wait meanwhile, nothing is lost.",
        Bitrix24ErrorKind.Transient =>
            "Bitrix24 did not answer (an outage, or this server's network or DNS). Commands wait and go when it answers; "
            + "if it lasts, try: curl -sI https://<portal>/rest/ from this server.",
        Bitrix24ErrorKind.BadRequest or Bitrix24ErrorKind.CallNotFound =>
            "Bitrix24 refused this command's data, so it is not sent again. The service log has the call's line; "
            + "often an employee who no longer exists (FsBitrix:Users) or a number the portal rejects.",
        Bitrix24ErrorKind.CallNotFinished => "A recording came before its call was finished; it is sent again after the finish. Nothing to do.",
        _ when error.Contains("never appeared complete on disk", StringComparison.Ordinal) =>
            "The recording file never appeared: check record_session's path, and that the fsbitrix user may read FreeSWITCH's recordings folder.",
        _ when error.Contains("has no Bitrix24 user", StringComparison.Ordinal) =>
            "An extension without an employee: set the employee's Internal phone (UF_PHONE_INNER) in Bitrix24, or map it in FsBitrix:Users.",
        _ when error.Contains("register was refused", StringComparison.Ordinal) =>
            "The call's register was refused, so its later commands cannot go: see the register's error above or in the log.",
        _ => "See the service log for this call.",
    };
}

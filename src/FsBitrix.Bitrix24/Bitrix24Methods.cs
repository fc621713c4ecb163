namespace FsBitrix.Bitrix24;

/// <summary>REST method names as Bitrix24 spells them (the portal lower-cases them anyway).</summary>
public static class Bitrix24Methods
{
    public const string Register = "telephony.externalcall.register";
    public const string Show = "telephony.externalcall.show";
    public const string Hide = "telephony.externalcall.hide";
    public const string Finish = "telephony.externalcall.finish";
    public const string AttachRecord = "telephony.externalcall.attachRecord";
    public const string SearchCrmEntities = "telephony.externalcall.searchCrmEntities";
    public const string UserGet = "user.get";
    public const string Batch = "batch";
    public const string EventBind = "event.bind";
    public const string EventGet = "event.get";
    public const string EventUnbind = "event.unbind";
    public const string EventOfflineGet = "event.offline.get";
    public const string ExternalLineAdd = "telephony.externalLine.add";
    public const string ExternalLineGet = "telephony.externalLine.get";

    /// <summary>Bitrix24 refuses more commands in one batch with ERROR_BATCH_LENGTH_EXCEEDED.</summary>
    public const int MaxBatchCommands = 50;
}

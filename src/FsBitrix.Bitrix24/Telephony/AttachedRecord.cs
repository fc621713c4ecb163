using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Telephony;

/// <summary>Result of attachRecord: the Bitrix Disk file id of the stored recording.</summary>
public sealed record AttachedRecord(long? FileId)
{
    internal static AttachedRecord Read(JsonElement result) => new(JsonRead.Long(result, "FILE_ID"));
}

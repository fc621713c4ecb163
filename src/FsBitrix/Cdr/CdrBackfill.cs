using FsBitrix.Core.Cdr;
using FsBitrix.Core.Events;

namespace FsBitrix.Cdr;

/// <summary>
/// <c>fsbitrix backfill --since … --until …</c>: the calls of a period older than <c>Cdr:Horizon</c> (a portal that is
/// new, or was down for long) are handed to the running service's CDR import. Whole calls only: the legs in the
/// folders are joined into calls as the importer joins them, and a call is in the period when its first leg began in
/// it. Their legs go into the inbox the importer reads; it decides, as for any CDR, whether each call was seen live
/// (never sent twice) and sends the rest at its own pace, oldest first, behind live calls.
/// </summary>
internal static class CdrBackfill
{
    public sealed record Result(int Calls, int Legs, int AlreadyReceived, int Unreadable);

    public static Result Queue(CdrSettings settings, ICdrInbox inbox, DateTimeOffset since, DateTimeOffset until, DateTimeOffset now)
    {
        var files = new Dictionary<string, (string Path, bool Encoded)>(StringComparer.Ordinal);
        var legs = new List<CdrCalls.Leg>();
        int unreadable = 0;
        foreach ((string? folder, bool encoded) in new[] { (settings.Folder, false), (settings.ErrFolder, true) })
        {
            if (folder is null || !Directory.Exists(folder))
            {
                continue;
            }

            // A leg's file is written when it ends, so after its call began: older files cannot hold a call of the period.
            foreach (FileInfo file in new DirectoryInfo(folder).EnumerateFiles("*.cdr.xml").Where(f => f.LastWriteTimeUtc >= since.UtcDateTime))
            {
                try
                {
                    IReadOnlyList<ChannelEvent> events = CdrLegEvents.Read(Text(file.FullName, encoded));
                    if (files.TryAdd(events[0].UniqueId!, (file.FullName, encoded)))
                    {
                        legs.Add(new CdrCalls.Leg(events[0].UniqueId!, events, now));
                    }
                }
                catch (Exception ex) when (ex is CdrFormatException or IOException or UnauthorizedAccessException)
                {
                    unreadable++;
                }
            }
        }

        // Every leg there is has come: no waiting for more of them.
        List<CdrCalls.Call> calls = [.. CdrCalls.Ready(legs, now, TimeSpan.Zero, TimeSpan.Zero)
            .Where(c => c.Began >= since && c.Began < until)
            .OrderBy(c => c.Began)];
        int queued = 0, known = 0;
        foreach (CdrCalls.Leg leg in calls.SelectMany(c => c.Legs))
        {
            (string path, bool encoded) = files[leg.Uuid];
            string xml;
            try
            {
                xml = Text(path, encoded);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable++; // gone since it was read (FusionPBX's importer deletes them)
                continue;
            }

            if (inbox.Add(leg.Uuid, xml, now))
            {
                queued++;
            }
            else
            {
                known++;
            }
        }

        return new Result(calls.Count, queued, known, unreadable);
    }

    /// <summary>mod_xml_cdr's err-log-dir keeps the records it could not post as they would have been posted: url-encoded.</summary>
    public static string Text(string path, bool encoded)
    {
        string text = File.ReadAllText(path);
        return encoded ? Uri.UnescapeDataString(text) : text;
    }
}

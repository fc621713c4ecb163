using System.Globalization;
using System.Text;
using FsBitrix.Simulator.Switch;
using FsBitrix.Simulator.Wire;

namespace FsBitrix.Simulator.Server;

/// <summary><c>show channels</c> in FreeSWITCH's shapes: JSON (compact; <c>{"row_count": 0}\n</c> when empty), CSV, count.</summary>
internal static class ShowChannels
{
    private static readonly string[] Columns =
    [
        "uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr", "dest",
        "application", "application_data", "dialplan", "context", "read_codec", "read_rate", "read_bit_rate",
        "write_codec", "write_rate", "write_bit_rate", "secure", "hostname", "presence_id", "presence_data",
        "accountcode", "callstate", "callee_name", "callee_num", "callee_direction", "call_uuid", "sent_callee_name",
        "sent_callee_num", "initial_cid_name", "initial_cid_num", "initial_ip_addr", "initial_dest",
        "initial_dialplan", "initial_context",
    ];

    public static string Json(IReadOnlyList<Leg> legs, string hostname)
    {
        if (legs.Count == 0)
        {
            return "{\"row_count\": 0}\n";
        }

        var sb = new StringBuilder("{\"row_count\":").Append(legs.Count.ToString(CultureInfo.InvariantCulture)).Append(",\"rows\":[");
        foreach (Leg leg in legs)
        {
            sb.Append('{');
            foreach ((string column, string value) in Columns.Zip(Row(leg, hostname)))
            {
                sb.AppendString(column).Append(':').AppendString(value).Append(',');
            }

            sb.Length--;
            sb.Append("},");
        }

        sb.Length--;
        return sb.Append("]}").ToString();
    }

    public static string Csv(IReadOnlyList<Leg> legs, string hostname)
    {
        var sb = new StringBuilder();
        if (legs.Count > 0)
        {
            sb.AppendJoin(',', Columns).Append('\n');
            foreach (Leg leg in legs)
            {
                sb.AppendJoin(',', Row(leg, hostname)).Append('\n');
            }
        }

        return sb.Append(Count(legs)).ToString();
    }

    public static string Count(IReadOnlyList<Leg> legs) => "\n" + legs.Count.ToString(CultureInfo.InvariantCulture) + " total.\n";

    private static string[] Row(Leg leg, string hostname)
    {
        string created = leg.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        string epoch = leg.Created.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string ip = leg.Inbound ? leg.NetworkAddr : string.Empty;
        (string codec, string rate, string bits) = leg.HasMedia ? ("PCMU", "8000", "64000") : (string.Empty, string.Empty, string.Empty);
        string bridged = leg.Bridged is null ? string.Empty : leg.CallUuid;
        return
        [
            leg.Uuid, leg.Direction, created, epoch, leg.Name, leg.State, leg.CallerIdName, leg.CallerIdNumber, ip,
            leg.DestinationNumber, leg.Application, leg.ApplicationData, "XML", leg.Context, codec, rate, bits, codec,
            rate, bits, string.Empty, hostname, string.Empty, string.Empty, string.Empty, leg.CallState,
            leg.CalleeIdName ?? string.Empty, leg.CalleeIdNumber ?? string.Empty, leg.Inbound ? string.Empty : "RECV",
            bridged, string.Empty, string.Empty, leg.OrigCallerIdName, leg.OrigCallerIdNumber, ip,
            leg.DestinationNumber, "XML", leg.Context,
        ];
    }
}

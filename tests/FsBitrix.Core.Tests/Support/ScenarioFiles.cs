namespace FsBitrix.Core.Tests.Support;

/// <summary>Every scenario capture of one call.</summary>
internal static class ScenarioFiles
{
    public static readonly string[] All =
    [
        "s1_inbound_answered.raw", "s1_inbound_answered_json.raw", "s2_ring_all.raw", "s2_ring_all_json.raw",
        "s3_sequential.raw", "s4_missed.raw", "s5_busy.raw", "s6_blind_transfer.raw", "s7_outbound.raw",
        "s8_outbound_no_answer.raw", "s9_queue_socket.raw", "s12_click_to_call.raw",
        "s13_click_to_call_rep_no_answer.raw", "s15_attended_transfer.raw", "s16_socket_ring_all.raw",
        "s17_socket_abandon.raw",
    ];
}

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

    /// <summary>The flows of real deployments (mod_callcenter, IVR, voicemail, pickup, follow-me, a second domain).</summary>
    public static readonly string[] RealDeployments =
    [
        "s18_callcenter_ring_all.raw", "s19_callcenter_next_agent.raw", "s21_ivr_then_agent.raw", "s22_voicemail.raw",
        "s23_pickup.raw", "s24_followme_mobile.raw", "s25_second_tenant.raw",
    ];
}

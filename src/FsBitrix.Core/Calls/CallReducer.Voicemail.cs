using FsBitrix.Core.Events;

namespace FsBitrix.Core.Calls;

// mod_voicemail runs on the client's own leg: no new leg, only the message file (RECORD_START/STOP, then
// vm::maintenance leave-message, and variable_voicemail_file_path at the leg's hangup).
public sealed partial class CallReducer
{
    private CallState OnVoicemail(CallState state, ChannelEvent e) =>
        e.VoicemailFilePath is { Length: > 0 } path ? WithVoicemail(state, path, e.VoicemailAccount) : state;

    private CallState WithVoicemail(CallState state, string path, string? account)
    {
        state = state.Voicemails.Contains(path) ? state : state with { Voicemails = state.Voicemails.Add(path) };
        return Extension(account) is { } owner ? state with { VoicemailOwner = owner } : state;
    }
}

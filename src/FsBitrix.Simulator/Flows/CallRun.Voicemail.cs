using System.Globalization;
using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// Voicemail on no answer as s22 shows it: the phones' legs report, the dialplan answers the caller, mod_voicemail
// beeps (1 s) and records the message ON THE CALLER'S LEG (no new leg): RECORD_START/STOP with the message's path,
// then vm::maintenance leave-message, and variable_voicemail_file_path on the caller's CHANNEL_HANGUP_COMPLETE.
internal sealed partial class CallRun
{
    private static readonly TimeSpan Beep = TimeSpan.FromSeconds(1);

    private async Task LeaveVoicemailAsync(Leg a, List<Leg> unanswered, Voicemail message, CancellationToken ct)
    {
        string domain = _script.Domain ?? "default";
        foreach (Leg leg in unanswered)
        {
            Complete(leg);
        }

        ExecuteComplete(a, "bridge", _bridgeData, _bridgeApp);
        Execute(a, "answer", string.Empty, () => Answer(a));
        foreach (Leg leg in unanswered)
        {
            Destroy(leg);
        }

        ExecuteStart(a, "voicemail", $"default {domain} {message.Mailbox}", out string app);
        await WaitAsync(Beep, ct).ConfigureAwait(false);
        string storage = _options.RecordingsPath ?? "/var/lib/freeswitch/storage";
        string path = Path.Combine(storage, "voicemail", "default", domain, message.Mailbox, $"msg_{Guid.NewGuid()}.wav");
        Fire("RECORD_START", a, last: [("Record-File-Path", path)]);
        await WaitAsync(message.Length, ct).ConfigureAwait(false);

        Hangup(a, "NORMAL_CLEARING", "recv_bye", "200");
        if (_options.RecordingsPath is not null)
        {
            WavFile.WriteTone(path, message.Length);
        }

        Fire("RECORD_STOP", a, last: [("Record-File-Path", path), ("Record-Completion-Cause", "success-silence")]);
        string seconds = ((long)message.Length.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        _switch.FireCustom("vm::maintenance", a, Now,
        [
            ("VM-Action", "leave-message"), ("VM-User", message.Mailbox), ("VM-Domain", domain), ("VM-Caller-ID-Name", a.CallerIdName),
            ("VM-Caller-ID-Number", a.CallerIdNumber), ("VM-File-Path", path), ("VM-Flags", "B_NORMAL"), ("VM-Folder", "inbox"),
            ("VM-UUID", a.Uuid), ("VM-Message-Len", seconds), ("VM-Timestamp", EventFactory.Micros(Now)[..^6]),
        ]);
        _switch.FireCustom("vm::maintenance", null, Now,
        [
            ("VM-Action", "mwi-update"), ("VM-User", message.Mailbox), ("VM-Domain", domain), ("VM-Total-New", "1"),
            ("VM-Total-Saved", "0"), ("VM-Total-New-Urgent", "0"), ("VM-Total-Saved-Urgent", "0"),
        ]);
        a.Variables["voicemail_file_path"] = path;
        a.Variables["voicemail_account"] = message.Mailbox;
        a.Variables["voicemail_domain"] = domain;
        a.Variables["voicemail_message_len"] = message.Length.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        ExecuteComplete(a, "voicemail", $"default {domain} {message.Mailbox}", app);
        EndFirstLeg(a);
    }
}

using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// mod_callcenter as s18/s19 show it: the DID answers and records, `callcenter` queues the caller, and the queue
// originates agent legs WITHOUT the caller's session (no originator, no Other-Leg; the only link is
// cc_member_session_uuid). The agent who answers is bridged with uuid_bridge (CHANNEL_BRIDGE on the caller); the
// others are cancelled (LOSE_RACE). callcenter::info events tell each step. ESL interventions are not simulated here.
internal sealed partial class CallRun
{
    private const string CallcenterInfo = "callcenter::info";

    private async Task PlayCallcenterAsync(Leg a, string queue, CancellationToken ct)
    {
        Execute(a, "answer", string.Empty, () => Answer(a));
        if (_script.Record)
        {
            StartRecording(a);
        }

        string member = Guid.NewGuid().ToString(); // mod_callcenter's member id: not a channel
        ExecuteStart(a, "callcenter", queue, out string app);
        a.Variables["cc_side"] = "member";
        a.Variables["cc_member_uuid"] = member;
        a.Variables["cc_queue"] = queue;
        Info(a, "member-queue-start", queue, null, a, member);
        foreach (RingGroup group in _script.Rings)
        {
            foreach (Phone phone in group.Phones)
            {
                Info(null, "agent-offering", queue, AgentName(phone), a, member);
            }

            Dictionary<Leg, Phone> agents = [];
            RingOutcome r = await RingAsync(a, group, p =>
            {
                Leg leg = AgentLeg(a, queue, member, p);
                agents[leg] = p;
                return leg;
            }, ct).ConfigureAwait(false);
            if (r.CallerGoneCause is not null)
            {
                // Answered by the queue, the caller leaves with a BYE; mod_callcenter cancels the ringing agents.
                Tick();
                Hangup(a, "NORMAL_CLEARING", "recv_bye", "200");
                foreach (Leg leg in r.StillRinging)
                {
                    Hangup(leg, "ORIGINATOR_CANCEL", "send_cancel", null, "487");
                }

                ExecuteComplete(a, "callcenter", queue, app);
                CompleteAll(r.Ended.Concat(r.StillRinging));
                Info(a, "member-queue-end", queue, null, a, member, [("CC-Cause", "Cancel")]);
                EndFirstLeg(a);
                return;
            }

            if (r.Winner is { } agent)
            {
                Info(agent, "bridge-agent-start", queue, AgentName(agents[agent]), a, member, [("CC-Agent-UUID", agent.Uuid)]);
                CompleteAll(r.Ended);
                FailOffers(r.Ended, agents, queue, a, member);
                Tick();
                agent.Other = a;
                agent.OtherType = "originator";
                a.Variables["cc_agent"] = AgentName(agents[agent]);
                a.Variables["cc_agent_uuid"] = agent.Uuid;
                SetCallState(a, "ACTIVE");
                a.CalleeIdName = a.CalleeIdNumber = agent.DestinationNumber;
                Bridge(a, agent);
                await WaitAsync(_script.Talk, ct).ConfigureAwait(false);
                EndQueueCall(a, agent, queue, app, member, AgentName(agents[agent]));
                return;
            }

            CompleteAll(r.Ended);
            FailOffers(r.Ended, agents, queue, a, member);
        }

        // Every agent was tried and nobody answered: the caller gives up waiting.
        Tick();
        Hangup(a, "NORMAL_CLEARING", "recv_bye", "200");
        ExecuteComplete(a, "callcenter", queue, app);
        Info(a, "member-queue-end", queue, null, a, member, [("CC-Cause", "Cancel")]);
        EndFirstLeg(a);
    }

    /// <summary>An agent leg as mod_callcenter originates it: its own Channel-Call-UUID, linked by cc_* variables only.</summary>
    private Leg AgentLeg(Leg caller, string queue, string member, Phone phone) =>
        OutboundLeg(null, Guid.NewGuid().ToString(), caller.CallerIdNumber, caller.CallerIdName, phone.Number,
        [
            new("cc_queue", queue), new("cc_member_uuid", member), new("cc_member_session_uuid", caller.Uuid),
            new("cc_member_pre_answer_uuid", member), new("cc_agent", AgentName(phone)), new("cc_agent_type", "callback"),
            new("cc_side", "agent"), .. DirectoryUser(phone.Number),
        ]);

    private string AgentName(Phone phone) => $"{phone.Number}@{_script.Domain ?? "default"}";

    private void FailOffers(IEnumerable<Leg> ended, Dictionary<Leg, Phone> agents, string queue, Leg caller, string member)
    {
        foreach (Leg leg in ended)
        {
            Info(null, "bridge-agent-fail", queue, AgentName(agents[leg]), caller, member, [("CC-Hangup-Cause", leg.HangupCause ?? "NO_ANSWER")]);
        }
    }

    // s18: the caller hangs up; s19: the agent. Either way the queue's own events come after both hangups.
    private void EndQueueCall(Leg a, Leg agent, string queue, string app, string member, string agentName)
    {
        if (_script.HangsUp == Side.Caller)
        {
            Hangup(a, "NORMAL_CLEARING", "recv_bye", "200");
            Tick();
            Hangup(agent, "NORMAL_CLEARING", "send_bye");
            Unbridge(a, agent, keepOther: true);
            Complete(agent);
        }
        else
        {
            Hangup(agent, "NORMAL_CLEARING", "recv_bye", "200");
            Unbridge(a, agent, keepOther: true);
            Complete(agent);
            Hangup(a, "NORMAL_CLEARING", "send_bye");
        }

        ExecuteComplete(a, "callcenter", queue, app);
        StopRecording(a);
        Complete(a);
        Info(agent, "bridge-agent-end", queue, agentName, a, member, [("CC-Agent-UUID", agent.Uuid), ("CC-Hangup-Cause", "SUCCESS")]);
        Info(a, "member-queue-end", queue, agentName, a, member, [("CC-Agent-UUID", agent.Uuid), ("CC-Cause", "Terminated")]);
        // The leg that hung up second is destroyed first.
        Leg[] order = _script.HangsUp == Side.Caller ? [agent, a] : [a, agent];
        foreach (Leg leg in order)
        {
            Destroy(leg);
        }
    }

    private void Info(Leg? leg, string action, string queue, string? agent, Leg caller, string member, IEnumerable<(string, string)>? more = null)
    {
        List<(string, string)> headers = [("CC-Queue", queue), ("CC-Action", action)];
        if (agent is not null)
        {
            headers.Add(("CC-Agent", agent));
        }

        headers.AddRange(more ?? []);
        headers.Add(("CC-Member-UUID", member));
        headers.Add(("CC-Member-Session-UUID", caller.Uuid));
        headers.Add(("CC-Member-CID-Number", caller.CallerIdNumber));
        headers.Add(("CC-Member-Joined-Time", EventFactory.Micros(caller.Answered ?? caller.Created)[..^6]));
        _switch.FireCustom(CallcenterInfo, leg, Now, headers);
    }
}

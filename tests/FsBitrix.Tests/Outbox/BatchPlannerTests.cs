using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;

namespace FsBitrix.Tests.Outbox;

/// <summary>What one request carries: many calls' due commands, urgent first, each call in order, late cards dropped.</summary>
public class BatchPlannerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddDays(20_000);
    private static long _ids;

    private static OutboxEntry E(CallCommand command, int attempts = 0, DateTimeOffset? notBefore = null) =>
        new(Interlocked.Increment(ref _ids), command.CallKey, command, attempts, null, false) { NotBefore = notBefore ?? Now, CreatedAt = Now };

    private static RegisterCall Register(string key) => new(key, key, CallType.Inbound, "+79161234567", "74951234567", null, Now);

    private static FinishCall Finish(string key) => new(key, null, "1001", 5, CallStatus.Answered, string.Empty);

    private static BatchPlan Plan(int capacity = 50, params CallQueue[] calls) =>
        BatchPlanner.Plan(calls, Now, capacity, u => 1 + u.Followers.Count, u => u.Command is not AttachRecording);

    private static CallQueue Q(params OutboxEntry[] pending) => new(pending[0].CallKey, pending);

    [Test]
    public void Many_calls_go_in_one_plan_ringing_first_then_hides_finishes_recordings_each_call_in_its_order()
    {
        OutboxEntry finishA = E(Finish("a")), recordA = E(new AttachRecording("a", null, "/r/a.wav"));
        OutboxEntry hideB = E(new HideCard("b", null, "1002"));
        OutboxEntry registerC = E(Register("c")), showC = E(new ShowCard("c", null, "1001"));

        BatchPlan plan = Plan(50, Q(finishA, recordA), Q(hideB), Q(registerC, showC));

        Assert.That(plan.Chains.Select(c => c.CallKey), Is.EqualTo(new[] { "c", "b", "a" }));
        Assert.That(plan.Chains[0].Units.Select(u => u.Id), Is.EqualTo(new[] { registerC.Id, showC.Id }), "the card rides with its register");
        Assert.That(plan.Chains[2].Units.Select(u => u.Id), Is.EqualTo(new[] { finishA.Id }), "an upload goes on its own, after the finish");
        Assert.That((plan.Urgent, plan.Units, plan.Dropped, plan.Alone), Is.EqualTo((true, 4, Array.Empty<OutboxEntry>(), Array.Empty<OutboxEntry>())));
    }

    [Test]
    public void A_show_whose_phone_stopped_ringing_before_it_could_go_is_dropped_with_its_hide()
    {
        OutboxEntry show = E(new ShowCard("a", null, "1001")), other = E(new ShowCard("a", null, "1002"));
        OutboxEntry hide = E(new HideCard("a", null, "1001"));

        BatchPlan plan = Plan(50, Q(show, other, hide));

        Assert.That(plan.Dropped, Is.EqualTo(new[] { show, hide }));
        Assert.That(plan.Chains.Single().Units.Single().Id, Is.EqualTo(other.Id), "the colleague still rings");
    }

    [Test]
    public void A_show_that_may_have_run_keeps_its_hide()
    {
        OutboxEntry show = E(new ShowCard("a", null, "1001"), attempts: 1), hide = E(new HideCard("a", null, "1001"));

        BatchPlan plan = Plan(50, Q(show, hide));

        Assert.That(plan.Dropped, Is.Empty);
        Assert.That(plan.Chains.Single().Units.Single().AllIds, Is.EqualTo(new[] { show.Id, hide.Id }));
    }

    [Test]
    public void The_cards_of_a_call_already_over_are_not_shown_but_its_register_and_finish_go()
    {
        OutboxEntry register = E(Register("a")), show = E(new ShowCard("a", null, "1001")), retried = E(new ShowCard("a", null, "1002"), attempts: 3);
        OutboxEntry hideShown = E(new HideCard("a", null, "1003")), finish = E(Finish("a"));

        BatchPlan plan = Plan(50, Q(register, show, retried, hideShown, finish));

        Assert.That(plan.Dropped, Is.EqualTo(new[] { show, retried }));
        Assert.That(plan.Chains.Single().Units.Select(u => u.Id), Is.EqualTo(new[] { register.Id, hideShown.Id, finish.Id }),
            "a hide of a card shown earlier still goes: the finish closes only its own user's card");
    }

    [Test]
    public void A_call_s_chain_stops_at_a_command_not_yet_due_and_nothing_after_it_overtakes_it()
    {
        OutboxEntry register = E(Register("a")), hide = E(new HideCard("a", null, "1001"), notBefore: Now.AddMilliseconds(150));
        OutboxEntry finish = E(Finish("a"));

        BatchPlan plan = Plan(50, Q(register, hide, finish));

        Assert.That(plan.Chains.Single().Units.Select(u => u.Id), Is.EqualTo(new[] { register.Id }));
    }

    [Test]
    public void An_upload_at_the_head_goes_alone_and_a_full_batch_is_cut_between_calls_and_said_full()
    {
        OutboxEntry upload = E(new AttachRecording("a", null, "/r/a.wav"));
        OutboxEntry[] registers = [.. Enumerable.Range(0, 3).Select(i => E(Register("r" + i)))];

        BatchPlan plan = Plan(2, [Q(upload), .. registers.Select(r => Q(r))]);

        Assert.That(plan.Alone, Is.EqualTo(new[] { upload }));
        Assert.That(plan.Chains.Select(c => c.CallKey), Is.EqualTo(new[] { "r0", "r1" }));
        Assert.That(plan.Full, Is.True);
    }

    [Test]
    public void A_command_whose_method_the_portal_holds_waits_with_what_follows_it_and_other_methods_go()
    {
        OutboxEntry registerA = E(Register("a")), hideA = E(new HideCard("a", null, "1001")), finishA = E(Finish("a"));
        OutboxEntry registerB = E(Register("b"));

        BatchPlan plan = BatchPlanner.Plan([Q(registerA, hideA, finishA), Q(registerB)], Now, 50, _ => 1, _ => true,
            held: u => u.Command is HideCard);

        Assert.That(plan.Chains.Select(c => c.Units.Count), Is.EqualTo(new[] { 1, 1 }), "a's finish does not overtake its held hide");
    }

    [Test]
    public void A_head_that_failed_before_goes_alone_until_it_is_through()
    {
        OutboxEntry register = E(Register("a"), attempts: 2), finish = E(Finish("a"));

        BatchPlan plan = Plan(50, Q(register, finish));

        Assert.That(plan.Chains.Single().Units.Select(u => u.Id), Is.EqualTo(new[] { register.Id }));
    }

    [Test]
    public void What_is_not_urgent_says_so_and_when_it_was_written()
    {
        BatchPlan plan = Plan(50, Q(E(Finish("a"))));

        Assert.That((plan.Urgent, plan.OldestCreated), Is.EqualTo((false, (DateTimeOffset?)Now)));
    }
}

namespace FsBitrix.Leadership;

/// <summary>
/// A hosted service every instance runs, leader or standby (what only reads: the status page's feeds, the metrics).
/// Every other hosted service of the service's composition runs on the leader only (<see cref="LeaderOnlyServices"/>).
/// </summary>
internal interface IRunsOnStandby;

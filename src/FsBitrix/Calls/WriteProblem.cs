namespace FsBitrix.Calls;

/// <summary>The outbox cannot be written: the error, since when it fails, and when it was last logged.</summary>
internal sealed record WriteProblem(string Error, DateTimeOffset Since, DateTimeOffset LoggedAt);

namespace FsBitrix.Outbox;

/// <summary>What became of one delivery attempt.</summary>
internal abstract record DeliveryResult(string Description)
{
    /// <summary>What Bitrix24's refusal was, when it came from Bitrix24 (status page advice).</summary>
    public Bitrix24.Errors.Bitrix24ErrorKind? ErrorKind { get; init; }

    /// <summary>Bitrix24 answered; the command is done.</summary>
    public sealed record Done(string Outcome) : DeliveryResult(Outcome)
    {
        /// <summary>False when it was settled without reaching Bitrix24 (a card whose moment passed, a call already over there).</summary>
        public bool Sent { get; init; } = true;
    }

    /// <summary>Try again later; the call's later commands wait behind this one.</summary>
    public sealed record Retry(string Error, TimeSpan After, bool MayHaveExecuted) : DeliveryResult(Error)
    {
        /// <summary>False when the failure says nothing about the command (authorization is broken for every command).</summary>
        public bool CountsAsAttempt { get; init; } = true;

        /// <summary>It waits for something of FsBitrix's own (a recording being encoded): Bitrix24 did not fail.</summary>
        public bool OnlyWaiting { get; init; }
    }

    /// <summary>Bitrix24 refused the data itself: retrying cannot help. Logged loudly, and the call goes on.</summary>
    public sealed record Refused(string Error) : DeliveryResult(Error);
}

namespace FsBitrix.Esl.Events;

/// <summary><c>Call-Direction</c>, from FreeSWITCH's point of view: a leg FreeSWITCH dials is outbound.</summary>
public enum CallDirection
{
    Unknown = 0,
    Inbound,
    Outbound,
}

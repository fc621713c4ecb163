namespace FsBitrix.Esl.Events;

/// <summary>The serialisation FreeSWITCH used for an event (<c>event plain|json|xml</c>).</summary>
public enum EslEventFormat
{
    Plain,
    Json,
    Xml,
}

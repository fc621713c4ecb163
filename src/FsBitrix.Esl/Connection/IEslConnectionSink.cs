using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Connection;

/// <summary>Where a connection's dispatcher hands unsolicited frames. Frames and events are borrowed for the call.</summary>
internal interface IEslConnectionSink
{
    void OnEvent(EslEvent e);

    void OnLog(EslFrame frame);

    void OnNotice(EslDisconnectNotice notice);
}

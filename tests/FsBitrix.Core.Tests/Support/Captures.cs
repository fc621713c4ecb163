using System.Collections.Concurrent;
using FsBitrix.Core.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Core.Tests.Support;

/// <summary>A capture's events as <see cref="ChannelEvent"/>s, parsed once per test run.</summary>
internal static class Captures
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<ChannelEvent>> Cache = new();

    public static IReadOnlyList<ChannelEvent> Events(string fileName) => Cache.GetOrAdd(fileName, Load);

    private static IReadOnlyList<ChannelEvent> Load(string fileName)
    {
        var events = new List<ChannelEvent>();
        foreach (EslCapturedFrame frame in EslCapture.Read(File.ReadAllBytes(Fixtures.Scenario(fileName))))
        {
            if (frame.Event is { } esl && ChannelEventFactory.From(esl) is { } e)
            {
                events.Add(e);
            }
        }

        return events;
    }
}

using System.Buffers;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Simulator.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only), to hold the simulator against.</summary>
internal static class Fixtures
{
    public static string Scenario(string fileName) => Path.Combine(FsBitrix.Testing.SharedFixtures.EslRoot, "scenarios", fileName);

    /// <summary>Every event of a capture, as owned copies.</summary>
    public static List<EslEvent> Events(string scenarioFile)
    {
        var events = new List<EslEvent>();
        foreach (EslCapturedFrame frame in EslCapture.Read(File.ReadAllBytes(Scenario(scenarioFile))))
        {
            if (frame.Event is { } e)
            {
                events.Add(e);
            }
        }

        return events;
    }
}

using System.Buffers;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Simulator.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only), to hold the simulator against.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Scenario(string fileName) => Path.Combine(Root.Value, "scenarios", fileName);

    /// <summary>Every event of a capture, as owned copies.</summary>
    public static List<EslEvent> Events(string scenarioFile)
    {
        var events = new List<EslEvent>();
        var seq = new ReadOnlySequence<byte>(File.ReadAllBytes(Scenario(scenarioFile)));
        while (EslFrameParser.TryReadFrame(ref seq, EslParserOptions.Default, out EslFrame? frame, pooled: false))
        {
            if (frame.IsEvent)
            {
                events.Add(frame.Event);
            }
        }

        return events;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string shared = Path.Combine(dir.FullName, "..", "shared", "fixtures", "esl");
            if (File.Exists(Path.Combine(dir.FullName, "FsBitrix.sln")) && Directory.Exists(shared))
            {
                return Path.GetFullPath(shared);
            }
        }

        throw new DirectoryNotFoundException("../shared/fixtures/esl not found beside the repository");
    }
}

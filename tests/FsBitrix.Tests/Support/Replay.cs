using System.Text;

namespace FsBitrix.Tests.Support;

/// <summary>A capture ready to be played: its event frames (fresh UUIDs) and the old → new UUID map.</summary>
internal sealed record Replay(List<byte[]> Frames, Dictionary<string, string> Uuids)
{
    /// <summary>Index of the first frame of the given event (to cut a call at a known moment).</summary>
    public int IndexOf(string eventName) =>
        Frames.FindIndex(f => Encoding.UTF8.GetString(f).Contains("\nEvent-Name: " + eventName + "\n", StringComparison.Ordinal));

    /// <summary>Index of the first frame of the given event after frame <paramref name="after"/>.</summary>
    public int IndexOf(string eventName, int after) =>
        Frames.FindIndex(after + 1, f => Encoding.UTF8.GetString(f).Contains("\nEvent-Name: " + eventName + "\n", StringComparison.Ordinal));

    public IEnumerable<byte[]> Before(int index) => Frames.Take(index);

    public IEnumerable<byte[]> From(int index) => Frames.Skip(index);
}

namespace FsBitrix.Simulator.Flows;

/// <summary>A real, playable recording: 8 kHz 16-bit mono PCM WAV with a soft 440 Hz tone, made in code.</summary>
internal static class WavFile
{
    private const int Rate = 8000;

    public static void WriteTone(string path, TimeSpan length)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        int samples = (int)(Rate * length.TotalSeconds);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(36 + (samples * 2));
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1); // PCM
        w.Write((short)1); // mono
        w.Write(Rate);
        w.Write(Rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        for (int i = 0; i < samples; i++)
        {
            w.Write((short)(3000 * Math.Sin(2 * Math.PI * 440 * i / Rate)));
        }
    }
}

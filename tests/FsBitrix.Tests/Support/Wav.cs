using System.Buffers.Binary;

namespace FsBitrix.Tests.Support;

/// <summary>A real (tiny) PCM WAV file, so that uploads carry a playable recording.</summary>
internal static class Wav
{
    public static byte[] Silence(TimeSpan length, int sampleRate = 8000) => Pcm(length, sampleRate, 1, (_, _) => 0);

    /// <summary>
    /// Something like telephone speech: a voiced tone whose pitch and loudness move syllable by syllable, its
    /// harmonics, breath noise and pauses — deterministic, so sizes and durations repeat.
    /// </summary>
    public static byte[] Voice(TimeSpan length, int channels = 1, int sampleRate = 8000)
    {
        var noise = new Random(1);
        return Pcm(length, sampleRate, channels, (i, channel) =>
        {
            double t = (double)i / sampleRate;
            double syllable = Math.Max(0, Math.Sin(Math.PI * t * 4 + channel)); // four syllables a second, pauses between
            double pitch = 120 + 40 * Math.Sin(2 * Math.PI * t * 0.7 + channel);
            double voiced = Math.Sin(2 * Math.PI * pitch * t) + 0.5 * Math.Sin(4 * Math.PI * pitch * t) + 0.25 * Math.Sin(6 * Math.PI * pitch * t);
            double sample = syllable * (0.6 * voiced + 0.1 * (noise.NextDouble() - 0.5));
            return (short)(sample * 9000);
        });
    }

    private static byte[] Pcm(TimeSpan length, int sampleRate, int channels, Func<int, int, short> sampleAt)
    {
        int samples = (int)(sampleRate * length.TotalSeconds);
        int dataBytes = samples * 2 * channels;
        byte[] wav = new byte[44 + dataBytes];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), sampleRate * 2 * channels);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), (short)(2 * channels));
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), 16);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), dataBytes);
        for (int i = 0; i < samples; i++)
        {
            for (int channel = 0; channel < channels; channel++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(44 + ((i * channels) + channel) * 2), sampleAt(i, channel));
            }
        }

        return wav;
    }
}

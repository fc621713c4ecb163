using System.Buffers.Binary;

namespace FsBitrix.Browser.Tests.Support;

/// <summary>A real, tiny PCM WAV (8 kHz mono 16-bit sine), so the browser's decoder has something true to read.</summary>
internal static class Wav
{
    public static byte[] Tone(double seconds = 0.5, double hertz = 440, int sampleRate = 8000)
    {
        int samples = (int)(seconds * sampleRate);
        int dataBytes = samples * 2;
        byte[] wav = new byte[44 + dataBytes];
        Span<byte> b = wav;
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(b[8..]);
        "fmt "u8.CopyTo(b[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(b[16..], 16);          // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(b[20..], 1);           // PCM
        BinaryPrimitives.WriteInt16LittleEndian(b[22..], 1);           // mono
        BinaryPrimitives.WriteInt32LittleEndian(b[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(b[28..], sampleRate * 2); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(b[32..], 2);           // block align
        BinaryPrimitives.WriteInt16LittleEndian(b[34..], 16);          // bits per sample
        "data"u8.CopyTo(b[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(b[40..], dataBytes);
        for (int i = 0; i < samples; i++)
        {
            short value = (short)(short.MaxValue / 4 * Math.Sin(2 * Math.PI * hertz * i / sampleRate));
            BinaryPrimitives.WriteInt16LittleEndian(b[(44 + (2 * i))..], value);
        }

        return wav;
    }
}

namespace FsBitrix.Recordings;

/// <summary>A recording FreeSWITCH may still be writing when the call ends.</summary>
internal static class RecordingFile
{
    /// <summary>
    /// Waits (bounded) until the file exists, is not empty and its size stopped changing between two looks
    /// <paramref name="settle"/> apart. False when that did not happen within <paramref name="maxWait"/>.
    /// </summary>
    public static async Task<bool> WaitCompleteAsync(string path, TimeProvider time, TimeSpan maxWait, TimeSpan settle, CancellationToken cancellationToken)
    {
        DateTimeOffset giveUp = time.GetUtcNow() + maxWait;
        long lastSize = -1;
        while (true)
        {
            var file = new FileInfo(path);
            if (file.Exists && file.Length > 0 && file.Length == lastSize)
            {
                return true;
            }

            lastSize = file.Exists ? file.Length : -1;
            if (time.GetUtcNow() >= giveUp)
            {
                return false;
            }

            await Task.Delay(settle, time, cancellationToken).ConfigureAwait(false);
        }
    }
}

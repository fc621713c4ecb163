using System.Globalization;

namespace FsBitrix.Benchmarks.Load;

/// <summary>The load benchmark's command line.</summary>
internal sealed record LoadOptions(double Rate, int Calls, double Drain, int Burst, bool Operating, string Recordings, string? Plot)
{
    public static LoadOptions Parse(string[] args)
    {
        double rate = 1;
        int calls = 60;
        (double drain, int burst) = (2, 50);
        bool operating = false;
        string recordings = "url";
        string? plot = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--rate": rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--calls": calls = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--portal":
                    string[] limit = Next().Split('/');
                    (drain, burst) = (double.Parse(limit[0], CultureInfo.InvariantCulture), int.Parse(limit[1], CultureInfo.InvariantCulture));
                    break;
                case "--operating": operating = true; break;
                case "--recordings": recordings = Next(); break;
                case "--plot": plot = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}: load --rate R --calls N [--portal 2/50] [--operating] [--recordings url|upload] [--plot FILE.svg]");
            }
        }

        return rate > 0 && calls > 0 && drain > 0 && burst > 0 && recordings is "url" or "upload"
            ? new LoadOptions(rate, calls, drain, burst, operating, recordings, plot)
            : throw new ArgumentException("rate, calls and the portal's limit must be positive; recordings url or upload");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FsBitrix.Benchmarks.Load;

/// <summary>
/// Card latency per ringing agent leg and the outbox backlog, over the run, as an SVG; also a PNG beside it, drawn by
/// headless Chromium when it is installed (the browser tests' own; docs/BENCHMARKS.md shows the PNG).
/// </summary>
internal static class LoadPlot
{
    private const int Width = 900, PanelHeight = 220, Left = 60, Right = 20, Top = 40, Gap = 60;

    public static void Write(string path, LoadRecord record, LoadResult result, LoadOptions o)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        double seconds = Math.Max(1, Math.Max(result.Cards.Select(x => x.RangAt.TotalSeconds).DefaultIfEmpty().Max(),
            record.BacklogSamples.Select(b => b.At.TotalSeconds).DefaultIfEmpty().Max()));
        double shown = result.Cards.Where(x => x.Latency is not null).Select(x => x.Latency!.Value).DefaultIfEmpty().Max();
        double latencyTop = Math.Max(3, Math.Ceiling(shown));
        double backlogTop = Math.Max(10, record.BacklogSamples.Select(b => (double)b.Pending).DefaultIfEmpty().Max() * 1.1);
        var svg = new StringBuilder();
        int height = Top + (2 * PanelHeight) + Gap + 40;
        svg.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append(c, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>");
        svg.Append(c, $"<text x=\"{Left}\" y=\"20\" font-size=\"14\">FsBitrix load: {o.Rate} calls/s, {o.Calls} calls, portal {o.Drain}/s burst {o.Burst}{(o.Operating ? ", operating limits" : string.Empty)} — card p99 {result.CardPercentile(99):F2} s, {result.InRingShare:F1} % in ring</text>");

        // Panel 1: each ringing agent leg's card latency (red: never shown or shown after the ringing ended).
        int y0 = Top;
        Axes(svg, y0, seconds, latencyTop, "card latency, s");
        foreach (CardSeen card in result.Cards)
        {
            double x = Left + (card.RangAt.TotalSeconds / seconds * (Width - Left - Right));
            double value = Math.Min(card.Latency ?? latencyTop, latencyTop);
            double y = y0 + PanelHeight - (value / latencyTop * PanelHeight);
            svg.Append(c, $"<circle cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"1.8\" fill=\"{(card.InRing ? "#1f77b4" : "#d62728")}\"/>");
        }

        // Panel 2: commands waiting in the outbox.
        int y1 = Top + PanelHeight + Gap;
        Axes(svg, y1, seconds, backlogTop, "outbox backlog, commands");
        string points = string.Join(' ', record.BacklogSamples.Select(b => string.Create(c,
            $"{Left + (b.At.TotalSeconds / seconds * (Width - Left - Right)):F1},{y1 + PanelHeight - (b.Pending / backlogTop * PanelHeight):F1}")));
        svg.Append(c, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"1.5\"/>");
        svg.Append(c, $"<text x=\"{Width / 2}\" y=\"{height - 8}\" text-anchor=\"middle\">seconds since the first call</text>");
        svg.Append("</svg>");
        File.WriteAllText(path, svg.ToString());
        TryPng(path);
    }

    private static void Axes(StringBuilder svg, int top, double seconds, double yMax, string label)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        int bottom = top + PanelHeight;
        svg.Append(c, $"<line x1=\"{Left}\" y1=\"{bottom}\" x2=\"{Width - Right}\" y2=\"{bottom}\" stroke=\"black\"/>");
        svg.Append(c, $"<line x1=\"{Left}\" y1=\"{top}\" x2=\"{Left}\" y2=\"{bottom}\" stroke=\"black\"/>");
        svg.Append(c, $"<text x=\"{Left + 5}\" y=\"{top - 6}\">{label}</text>");
        for (int i = 0; i <= 4; i++)
        {
            double value = yMax * i / 4;
            double y = bottom - (PanelHeight * i / 4.0);
            svg.Append(c, $"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Width - Right}\" y2=\"{y:F1}\" stroke=\"#ddd\"/>");
            svg.Append(c, $"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{value:0.#}</text>");
            double x = Left + ((Width - Left - Right) * i / 4.0);
            svg.Append(c, $"<text x=\"{x:F1}\" y=\"{bottom + 15}\" text-anchor=\"middle\">{seconds * i / 4:0}</text>");
        }
    }

    private static void TryPng(string svgPath)
    {
        string full = Path.GetFullPath(svgPath);
        try
        {
            using Process? chromium = Process.Start(new ProcessStartInfo("chromium",
                ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--screenshot={Path.ChangeExtension(full, ".png")}",
                    $"--window-size={Width},{Top + (2 * PanelHeight) + Gap + 40}", new Uri(full).AbsoluteUri])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            chromium?.WaitForExit(60_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("load: chromium is not installed; the plot is SVG only");
        }
    }
}

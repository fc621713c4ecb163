using System.Xml;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>The admin's copy-paste XML in dialplan/: it parses, and its socket handoff reaches FsBitrix's default.</summary>
public sealed class DialplanXmlTests
{
    /// <summary>The default of <c>FsBitrix:Esl:OutboundListen</c>.</summary>
    private const string OutboundListen = "127.0.0.1:8084";

    private static readonly string Dialplan = Path.Combine(FsBitrix.Testing.SharedFixtures.RepositoryRoot, "dialplan");

    private static IEnumerable<string> XmlFiles() =>
        Directory.EnumerateFiles(Path.Combine(FsBitrix.Testing.SharedFixtures.RepositoryRoot, "dialplan"), "*.xml", SearchOption.AllDirectories).Order();

    [TestCaseSource(nameof(XmlFiles))]
    public void Every_file_is_well_formed_xml(string path)
    {
        Assert.That(() => Load(path), Throws.Nothing, Path.GetRelativePath(Dialplan, path));
    }

    [Test]
    public void Every_socket_handoff_says_what_it_is_for_first_and_connects_async_full_to_the_default_outbound_listen()
    {
        var sockets = new List<XmlElement>();
        foreach (string path in XmlFiles())
        {
            sockets.AddRange(Load(path).SelectNodes("//action[@application='socket']")!.Cast<XmlElement>());
        }

        Assert.That(sockets, Is.Not.Empty);
        foreach (XmlElement socket in sockets)
        {
            string[] words = socket.GetAttribute("data").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(words[0].Split('|')[0], Is.EqualTo(OutboundListen));
            Assert.That(words[1..], Is.EquivalentTo(new[] { "async", "full" }));
            // A queue (fsbitrix_queue=name) or the owner lookup (fsbitrix_lookup=owner): the socket serves both.
            Assert.That(PrecedingActions(socket).Any(a => a.GetAttribute("application") == "set"
                && (a.GetAttribute("data").StartsWith("fsbitrix_queue=", StringComparison.Ordinal)
                    || a.GetAttribute("data") == "fsbitrix_lookup=owner")), Is.True);
        }
    }

    [Test]
    public void The_event_socket_sample_listens_on_loopback_8021_behind_an_acl()
    {
        XmlDocument doc = Load(Path.Combine(Dialplan, "autoload_configs", "event_socket.conf.xml"));

        string? Param(string name) => (doc.SelectSingleNode($"//settings/param[@name='{name}']") as XmlElement)?.GetAttribute("value");

        Assert.That(Param("listen-ip"), Is.EqualTo("127.0.0.1"));
        Assert.That(Param("listen-port"), Is.EqualTo("8021"));
        Assert.That(Param("password"), Is.Not.Empty);
        Assert.That(Param("apply-inbound-acl"), Is.Not.Empty);
    }

    private static IEnumerable<XmlElement> PrecedingActions(XmlElement action)
    {
        for (XmlNode? n = action.PreviousSibling; n is not null; n = n.PreviousSibling)
        {
            if (n is XmlElement e && e.Name == "action")
            {
                yield return e;
            }
        }
    }

    private static XmlDocument Load(string path)
    {
        var doc = new XmlDocument { XmlResolver = null };
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        doc.Load(reader);
        return doc;
    }
}

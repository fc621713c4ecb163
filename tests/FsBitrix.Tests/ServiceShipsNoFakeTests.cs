using System.Text.Json;

namespace FsBitrix.Tests;

/// <summary>
/// The service installed on media servers carries neither fake: the Bitrix24 sandbox and the FreeSWITCH simulator
/// belong to the demo's own program (src/FsBitrix.Demo). .ci/run also publishes the service and looks at the files.
/// </summary>
public class ServiceShipsNoFakeTests
{
    private static readonly string[] Fakes = ["FsBitrix.Sandbox", "FsBitrix.Simulator", "fsbitrix-demo"];

    [Test]
    public void The_service_assembly_references_no_fake()
    {
        string[] referenced = [.. typeof(Hosting.FsBitrixApp).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];

        Assert.That(referenced, Does.Contain("FsBitrix.Esl").And.Contain("FsBitrix.Bitrix24"), "the list is the real one");
        Assert.That(referenced.Intersect(Fakes), Is.Empty);
    }

    [Test]
    public void The_service_dependency_manifest_lists_no_fake()
    {
        string deps = Path.Combine(Path.GetDirectoryName(typeof(Hosting.FsBitrixApp).Assembly.Location)!, "fsbitrix.deps.json");
        using var manifest = JsonDocument.Parse(File.ReadAllText(deps));
        List<string> libraries = [.. manifest.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/')[0])];

        Assert.That(libraries, Does.Contain("FsBitrix.Core"));
        Assert.That(libraries.Intersect(Fakes), Is.Empty, "what `dotnet publish src/FsBitrix` would copy");
    }
}

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>One external line, as <c>telephony.externalLine.get</c> lists it.</summary>
public sealed record SandboxExternalLine(long Id, string Number, string Name, bool CrmAutoCreate, bool OwnedByApp);

/// <summary>
/// <c>b_voximplant_external_line</c>: lines belong to the caller (<c>REST_APP_ID</c>), so the application and the
/// webhook (REST_APP_ID NULL) each see only their own, and one number may exist once per owner.
/// </summary>
public sealed class ExternalLines
{
    private readonly Lock _gate = new();
    private readonly List<SandboxExternalLine> _lines = [];
    private long _nextId = 1;

    public IReadOnlyList<SandboxExternalLine> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    internal IReadOnlyList<SandboxExternalLine> Owned(bool byApp) => [.. All.Where(l => l.OwnedByApp == byApp)];

    internal long? Add(string number, string name, bool crmAutoCreate, bool byApp)
    {
        lock (_gate)
        {
            if (_lines.Exists(l => l.OwnedByApp == byApp && l.Number == number))
            {
                return null;
            }

            var line = new SandboxExternalLine(_nextId++, number, name, crmAutoCreate, byApp);
            _lines.Add(line);
            return line.Id;
        }
    }

    internal SandboxExternalLine? Update(string number, bool byApp, Func<SandboxExternalLine, SandboxExternalLine> change)
    {
        lock (_gate)
        {
            int i = _lines.FindIndex(l => l.OwnedByApp == byApp && l.Number == number);
            if (i < 0)
            {
                return null;
            }

            _lines[i] = change(_lines[i]);
            return _lines[i];
        }
    }

    internal bool Remove(string number, bool byApp)
    {
        lock (_gate)
        {
            return _lines.RemoveAll(l => l.OwnedByApp == byApp && l.Number == number) > 0;
        }
    }
}

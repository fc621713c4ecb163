using System.Text.Json.Nodes;
using FsBitrix.Sandbox.OAuth;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>telephony.externalLine.add/get/update/delete</c> (bitrix24-api.md §2.7). The code accepts webhooks too
/// (their lines have no app); the docs' "application only" is the WRONG_AUTH_TYPE fault switch.
/// </summary>
internal sealed class ExternalLineMethod(ExternalLines lines, string verb) : ICallerAwareMethod
{
    public string Name => "telephony.externalline." + verb;

    public MethodResult Invoke(RestParams parameters) => throw new InvalidOperationException("Called through the dispatcher with a caller.");

    public MethodResult Invoke(RestParams p, RestCaller caller)
    {
        bool byApp = caller.IsApp;
        string number = p.String("NUMBER") ?? string.Empty;
        if (verb == "get")
        {
            return new MethodResult(new JsonArray([.. lines.Owned(byApp).Select(l => (JsonNode)new JsonObject
            {
                ["NUMBER"] = l.Number,
                ["NAME"] = l.Name,
                ["CRM_AUTO_CREATE"] = l.CrmAutoCreate ? "Y" : "N",
            })]));
        }

        if (number.Length == 0)
        {
            throw RestError.ErrorCore("NUMBER should not be empty");
        }

        switch (verb)
        {
            case "add":
                long id = lines.Add(number, p.String("NAME") ?? string.Empty, p.String("CRM_AUTO_CREATE") != "N", byApp)
                    ?? throw RestError.ErrorCore("Line already exists");
                return new MethodResult(new JsonObject { ["ID"] = id });
            case "update":
                if (!p.Has("NAME") && !p.Has("CRM_AUTO_CREATE"))
                {
                    throw RestError.ErrorCore("There are no fields to update");
                }

                SandboxExternalLine updated = lines.Update(number, byApp, l => l with
                {
                    Name = p.String("NAME") ?? l.Name,
                    CrmAutoCreate = p.Has("CRM_AUTO_CREATE") ? p.String("CRM_AUTO_CREATE") != "N" : l.CrmAutoCreate,
                }) ?? throw NotFound(number);

                // The update answer's ID is a string, unlike add's number (D-LUPD).
                return new MethodResult(new JsonObject { ["ID"] = updated.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            default:
                return lines.Remove(number, byApp) ? new MethodResult(new JsonArray()) : throw NotFound(number);
        }
    }

    private static RestError NotFound(string number) => RestError.ErrorCore($"Could not find line with number {number}");
}

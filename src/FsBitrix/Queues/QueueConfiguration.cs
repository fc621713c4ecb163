using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Queues;
using FsBitrix.Tenants;

namespace FsBitrix.Queues;

/// <summary>
/// Checks <c>FsBitrix:Queues</c> at start-up (one sentence per problem) and turns an entry into the planner's
/// <see cref="QueueDefinition"/>. <c>user:N</c> agents are resolved per call, not at start-up: the user directory
/// loads after the service starts and follows the portal when someone's extension changes.
/// </summary>
internal static class QueueConfiguration
{
    public const string UserPrefix = "user:";

    /// <summary>Every company's queues, and the socket address they need.</summary>
    public static IReadOnlyList<string> Problems(EslSettings esl, CallsSettings callsSettings, QueuesSettings queues, TenantsSettings tenants)
    {
        var problems = new List<string>();
        CallSettings calls = callsSettings.ToCallSettings();
        if ((queues.Count > 0 || tenants.Any(t => t.Queues.Count > 0)) && !IPEndPoint.TryParse(esl.OutboundListen, out _))
        {
            problems.Add($"FsBitrix:Esl:OutboundListen is '{esl.OutboundListen}': give the address:port the dialplan's socket application connects to, e.g. 127.0.0.1:8084");
        }

        problems.AddRange(Problems("FsBitrix:Queues", queues, calls));
        for (int i = 0; i < tenants.Count; i++)
        {
            problems.AddRange(Problems($"FsBitrix:Tenants:{i}:Queues", tenants[i].Queues, calls));
            if (tenants[i].Context is { Length: > 0 } context && context.AsSpan().IndexOfAny(" \t\r\n'\"") >= 0)
            {
                problems.Add($"FsBitrix:Tenants:{i}:Context '{context}' cannot contain spaces or quotes");
            }
        }

        return problems;
    }

    // One company's queues; a fallback queue must be the same company's (a caller never crosses companies).
    private static IEnumerable<string> Problems(string section, QueuesSettings queues, CallSettings calls)
    {
        var problems = new List<string>();
        foreach ((string name, QueueSettings q) in queues)
        {
            string at = $"{section}:{name}";
            if (name.AsSpan().IndexOfAny(" \t\r\n'\"") >= 0)
            {
                problems.Add($"{at}: a queue name cannot contain spaces or quotes (the dialplan sets it in fsbitrix_queue)");
            }

            if (q.Agents.Count == 0)
            {
                problems.Add($"{at}:Agents is empty: list extensions (\"1001\") or Bitrix24 users (\"user:7\")");
            }

            foreach (string agent in q.Agents)
            {
                if (AgentProblem(agent, calls) is { } problem)
                {
                    problems.Add($"{at}:Agents: '{agent}' {problem}");
                }
            }

            if (!QueueStrategyNames.TryParse(q.Strategy, out _))
            {
                problems.Add($"{at}:Strategy is '{q.Strategy}': use ring-all, sequential, round-robin or longest-idle");
            }

            if (q.RingTimeoutSeconds <= 0 || q.MaxWaitSeconds <= 0)
            {
                problems.Add($"{at}: RingTimeoutSeconds and MaxWaitSeconds must be more than 0");
            }

            if (q.WrapUpSeconds < 0 || q.ResponsibleFirstSeconds < 0)
            {
                problems.Add($"{at}: WrapUpSeconds and ResponsibleFirstSeconds cannot be negative");
            }

            if (!QueueFallback.TryParse(q.Fallback, out QueueFallback? fallback))
            {
                problems.Add($"{at}:Fallback is '{q.Fallback}': use hangup:<CAUSE> (e.g. hangup:NO_ANSWER), extension:<number> or queue:<name>");
            }
            else if (fallback is QueueFallback.Queue next && !queues.ContainsKey(next.Name))
            {
                problems.Add($"{at}:Fallback names queue '{next.Name}', which is not configured in {section}");
            }
            else if (fallback is QueueFallback.Extension ext && ext.Number.AsSpan().IndexOfAny(" \t\r\n'\"") >= 0)
            {
                problems.Add($"{at}:Fallback extension '{ext.Number}' cannot contain spaces or quotes");
            }

            if (string.IsNullOrWhiteSpace(q.Ringback) || q.Ringback.AsSpan().IndexOfAny("\r\n") >= 0)
            {
                problems.Add($"{at}:Ringback must be one line: a tone such as %(2000,4000,440,480) or a sound file");
            }
        }

        return problems;
    }

    /// <summary>The planner's view of a queue now; agents whose user has no extension are left out (and named).</summary>
    /// <param name="domain">The company's domain for a queue of <c>FsBitrix:Tenants</c>: its agents are <c>1001@domain</c>.</param>
    public static QueueDefinition Define(string name, QueueSettings q, Func<int, string?> extensionOfUser,
        out IReadOnlyList<string> unresolved, string? domain = null)
    {
        var agents = ImmutableArray.CreateBuilder<string>();
        var missing = new List<string>();
        foreach (string agent in q.Agents)
        {
            string? extension = TryUserId(agent, out int userId) ? extensionOfUser(userId) : agent.Trim();
            if (extension is null)
            {
                missing.Add(agent);
            }
            else
            {
                agents.Add(AgentAddress.Of(extension, domain));
            }
        }

        unresolved = missing;
        QueueStrategyNames.TryParse(q.Strategy, out QueueStrategy strategy);
        QueueFallback.TryParse(q.Fallback, out QueueFallback? fallback);
        return new QueueDefinition(name, agents.ToImmutable(), strategy)
        {
            RingTimeout = TimeSpan.FromSeconds(q.RingTimeoutSeconds),
            MaxWait = TimeSpan.FromSeconds(q.MaxWaitSeconds),
            WrapUp = TimeSpan.FromSeconds(q.WrapUpSeconds),
            ResponsibleFirst = TimeSpan.FromSeconds(q.ResponsibleFirstSeconds),
            Fallback = fallback ?? QueueFallback.NoAnswer,
            Domain = domain,
        };
    }

    private static string? AgentProblem(string agent, CallSettings calls)
    {
        if (agent.StartsWith(UserPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryUserId(agent, out _) ? null : "is not user:<Bitrix24 user id>";
        }

        if (agent.AsSpan().Trim().IndexOfAny(",|[]{}'\\ \r\n") >= 0)
        {
            return "has characters a dial string cannot carry";
        }

        // Presence knows a phone by its extension; a longer number is taken for a client's and never seen as busy.
        return PhoneNumbers.IsExtension(agent.Trim(), calls)
            ? null
            : $"is not an extension (numbers of {calls.ExternalNumberMinLength}+ digits are clients'; see Calls:ExternalNumberMinLength)";
    }

    private static bool TryUserId(string agent, out int userId)
    {
        userId = 0;
        return agent.StartsWith(UserPrefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(agent.AsSpan(UserPrefix.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out userId)
            && userId > 0;
    }
}

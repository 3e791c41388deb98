namespace Portico.Routing.Rules;

/// <summary>A matcher of the rule language: its documented name, arity and builder.</summary>
internal sealed record MatcherDefinition(string Name, int MinArgs, int MaxArgs, Func<MatcherCall, CompiledPart> Build);

/// <summary>
/// Resolves matcher names (in the four spellings Traefik accepts: <c>PathPrefix</c>, <c>pathprefix</c>,
/// <c>PATHPREFIX</c>, <c>Pathprefix</c>), checks arity and builds the matcher for the rule syntax.
/// </summary>
internal static class MatcherFactory
{
    private const int Many = int.MaxValue;

    private static readonly Dictionary<string, MatcherDefinition> V3 = Index(
    [
        new("Host", 1, 1, c => V3Matchers.Host(c, c.Arguments[0])),
        new("HostRegexp", 1, 1, c => V3Matchers.HostRegexp(c, c.Arguments[0])),
        new("Path", 1, 1, c => V3Matchers.Path(c, c.Arguments[0])),
        new("PathPrefix", 1, 1, c => V3Matchers.PathPrefix(c, c.Arguments[0])),
        new("PathRegexp", 1, 1, V3Matchers.PathRegexp),
        new("Method", 1, 1, c => V3Matchers.Method(c, c.Arguments[0])),
        new("Header", 2, 2, V3Matchers.Header),
        new("HeaderRegexp", 2, 2, V3Matchers.HeaderRegexp),
        new("Query", 1, 2, V3Matchers.Query),
        new("QueryRegexp", 1, 2, V3Matchers.QueryRegexp),
        new("ClientIP", 1, 1, c => V3Matchers.ClientIP(c, c.Arguments[0])),
    ]);

    private static readonly Dictionary<string, MatcherDefinition> V2 = Index(
    [
        new("Host", 1, Many, V2Matchers.Host),
        new("HostHeader", 1, Many, V2Matchers.Host),
        new("HostRegexp", 1, Many, V2Matchers.HostRegexp),
        new("Path", 1, Many, c => V2Matchers.Path(c, prefix: false)),
        new("PathPrefix", 1, Many, c => V2Matchers.Path(c, prefix: true)),
        new("Method", 1, Many, V2Matchers.Method),
        new("Headers", 2, 2, V3Matchers.Header),
        new("HeadersRegexp", 2, 2, V3Matchers.HeaderRegexp),
        new("Query", 1, Many, V2Matchers.Query),
        new("ClientIP", 1, Many, V2Matchers.ClientIP),
    ]);

    /// <summary>The documented name of <paramref name="name"/> (any accepted spelling), or null when unknown.</summary>
    public static string? CanonicalName(string name, RuleSyntax syntax) =>
        (syntax == RuleSyntax.V2 ? V2 : V3).TryGetValue(name, out var d) ? d.Name : null;

    public static CompiledPart Create(MatcherCall call, RuleSyntax syntax)
    {
        var table = syntax == RuleSyntax.V2 ? V2 : V3;
        if (!table.TryGetValue(call.Name, out var definition))
        {
            var hint = (syntax == RuleSyntax.V2 ? V3 : V2).TryGetValue(call.Name, out var other)
                ? $" (\"{other.Name}\" exists in rule syntax {(syntax == RuleSyntax.V2 ? "v3" : "v2")})"
                : string.Empty;
            throw new RuleSyntaxException($"unknown matcher \"{call.Name}\"{hint}", call.Column);
        }

        var count = call.Arguments.Count;
        if (count < definition.MinArgs || count > definition.MaxArgs)
        {
            var expected = definition.MaxArgs == Many
                ? $"at least {definition.MinArgs}"
                : definition.MinArgs == definition.MaxArgs ? $"{definition.MinArgs}" : $"{definition.MinArgs} or {definition.MaxArgs}";
            var noun = definition.MaxArgs == 1 ? "argument" : "arguments";
            throw new RuleSyntaxException($"matcher {definition.Name} expects {expected} {noun}, got {count}", call.Column);
        }

        return definition.Build(call);
    }

    private static Dictionary<string, MatcherDefinition> Index(MatcherDefinition[] definitions)
    {
        var index = new Dictionary<string, MatcherDefinition>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            var lower = d.Name.ToLowerInvariant();
            index[d.Name] = d;
            index[lower] = d;
            index[d.Name.ToUpperInvariant()] = d;
            index[char.ToUpperInvariant(lower[0]) + lower[1..]] = d;
        }

        return index;
    }
}

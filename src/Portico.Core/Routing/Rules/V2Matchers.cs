namespace Portico.Routing.Rules;

/// <summary>
/// Builders of the Traefik v2 matchers (<c>ruleSyntax: v2</c>): every value of a multi-value matcher is OR-ed,
/// <c>Query</c> takes <c>key=value</c> pairs that must all match, and <c>HostRegexp</c>/<c>Path</c>/<c>PathPrefix</c>
/// take gorilla/mux templates.
/// </summary>
internal static class V2Matchers
{
    public static CompiledPart Host(MatcherCall call) => AnyOf(call, v => V3Matchers.Host(call, v));

    public static CompiledPart Method(MatcherCall call) => AnyOf(call, v => V3Matchers.Method(call, v));

    public static CompiledPart ClientIP(MatcherCall call) => AnyOf(call, v => V3Matchers.ClientIP(call, v));

    public static CompiledPart HostRegexp(MatcherCall call) => AnyOf(call, template =>
    {
        if (!HostValues.IsAscii(template))
        {
            throw new RuleSyntaxException($"invalid value \"{template}\" for {call.Name} matcher, non-ASCII characters are not allowed (use punycode)", call.Column);
        }

        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return V3Matchers.Host(call, template);
        }

        var pattern = GorillaTemplate.ToRegex(call, template, GorillaTemplate.Kind.Host);
        return CompiledPart.Unindexed(new HostRegexMatcher(V3Matchers.Regex(call, pattern, ignoreCase: true)));
    });

    public static CompiledPart Path(MatcherCall call, bool prefix) => AnyOf(call, template =>
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return prefix ? V3Matchers.PathPrefix(call, template) : V3Matchers.Path(call, template);
        }

        if (!template.StartsWith('/'))
        {
            throw new RuleSyntaxException($"path \"{template}\" of {call.Name} matcher must start with a \"/\"", call.Column);
        }

        var kind = prefix ? GorillaTemplate.Kind.PathPrefix : GorillaTemplate.Kind.Path;
        var regex = V3Matchers.Regex(call, GorillaTemplate.ToRegex(call, template, kind));

        // The literal text before the first variable is still a plain prefix every match starts with.
        return new CompiledPart(new PathRegexMatcher(regex), null, [template[..template.IndexOf('{', StringComparison.Ordinal)]]);
    });

    public static CompiledPart Query(MatcherCall call)
    {
        var pairs = new RuleMatcher[call.Arguments.Count];
        for (var i = 0; i < pairs.Length; i++)
        {
            var arg = call.Arguments[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new RuleSyntaxException($"invalid value \"{arg}\" for {call.Name} matcher, expected \"key=value\"", call.Column);
            }

            var key = arg[..eq];
            var value = arg[(eq + 1)..];
            pairs[i] = value.Length == 0
                ? new QueryMatcher(key, null, null)
                : value.Contains('{', StringComparison.Ordinal)
                    ? new QueryMatcher(key, null, V3Matchers.Regex(call, GorillaTemplate.ToRegex(call, value, GorillaTemplate.Kind.QueryValue)))
                    : new QueryMatcher(key, value, null);
        }

        return CompiledPart.Unindexed(pairs.Length == 1 ? pairs[0] : new AllMatcher(pairs));
    }

    private static CompiledPart AnyOf(MatcherCall call, Func<string, CompiledPart> build)
    {
        if (call.Arguments.Count == 1)
        {
            return build(call.Arguments[0]);
        }

        var parts = call.Arguments.Select(build).ToArray();
        var hosts = parts.All(p => p.Hosts is not null) ? parts.Select(p => p.Hosts!).Aggregate(HostHint.Union) : null;
        var prefixes = parts.All(p => p.Prefixes is not null)
            ? parts.SelectMany(p => p.Prefixes!).Distinct(StringComparer.Ordinal).ToArray()
            : null;
        return new CompiledPart(new AnyMatcher(parts.Select(p => p.Matcher).ToArray()), hosts, prefixes);
    }
}

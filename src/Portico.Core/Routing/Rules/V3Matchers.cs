using System.Text.RegularExpressions;

namespace Portico.Routing.Rules;

/// <summary>Builders of the v3 matchers; also reused by v2 for single values.</summary>
internal static class V3Matchers
{
    public static CompiledPart Host(MatcherCall call, string value)
    {
        if (!HostValues.IsAscii(value))
        {
            throw new RuleSyntaxException($"invalid value \"{value}\" for {call.Name} matcher, non-ASCII characters are not allowed (use punycode)", call.Column);
        }

        var host = HostValues.Canonical(value);
        if (host.Length == 0)
        {
            throw new RuleSyntaxException($"empty value for {call.Name} matcher", call.Column);
        }

        if (host == "*")
        {
            // A bare wildcard matches every request, even one without a host, so it requires nothing.
            return CompiledPart.Unindexed(TrueMatcher.Instance);
        }

        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = host[1..];
            if (suffix.Length < 2 || suffix.Contains('*', StringComparison.Ordinal) || suffix.Contains("..", StringComparison.Ordinal))
            {
                throw new RuleSyntaxException($"invalid wildcard host \"{value}\" (only a leading \"*.\" is allowed)", call.Column);
            }

            return new CompiledPart(new WildcardHostMatcher(suffix), new HostHint([], [suffix]), null);
        }

        if (host.Contains('*', StringComparison.Ordinal))
        {
            throw new RuleSyntaxException($"invalid wildcard host \"{value}\" (only a leading \"*.\" is allowed)", call.Column);
        }

        return new CompiledPart(new ExactHostMatcher(host), new HostHint([host], []), null);
    }

    public static CompiledPart HostRegexp(MatcherCall call, string pattern) =>
        CompiledPart.Unindexed(new HostRegexMatcher(Regex(call, pattern)));

    public static CompiledPart Path(MatcherCall call, string path)
    {
        RequireSlash(call, path);
        return new CompiledPart(new PathMatcher(path), null, [path]);
    }

    public static CompiledPart PathPrefix(MatcherCall call, string prefix)
    {
        RequireSlash(call, prefix);
        return new CompiledPart(new PathPrefixMatcher(prefix), null, [prefix]);
    }

    public static CompiledPart PathRegexp(MatcherCall call) =>
        CompiledPart.Unindexed(new PathRegexMatcher(Regex(call, call.Arguments[0])));

    public static CompiledPart Method(MatcherCall call, string method)
    {
        RequireValue(call, method);
        return CompiledPart.Unindexed(new MethodMatcher(method.ToUpperInvariant()));
    }

    public static CompiledPart Header(MatcherCall call)
    {
        RequireValue(call, call.Arguments[0]);
        return CompiledPart.Unindexed(new HeaderMatcher(call.Arguments[0], call.Arguments[1], null));
    }

    public static CompiledPart HeaderRegexp(MatcherCall call)
    {
        RequireValue(call, call.Arguments[0]);
        return CompiledPart.Unindexed(new HeaderMatcher(call.Arguments[0], null, Regex(call, call.Arguments[1])));
    }

    public static CompiledPart Query(MatcherCall call)
    {
        RequireValue(call, call.Arguments[0]);
        var value = call.Arguments.Count == 2 ? call.Arguments[1] : string.Empty;
        return CompiledPart.Unindexed(new QueryMatcher(call.Arguments[0], value, null));
    }

    public static CompiledPart QueryRegexp(MatcherCall call)
    {
        if (call.Arguments.Count == 1)
        {
            return Query(call);
        }

        RequireValue(call, call.Arguments[0]);
        return CompiledPart.Unindexed(new QueryMatcher(call.Arguments[0], null, Regex(call, call.Arguments[1])));
    }

    public static CompiledPart ClientIP(MatcherCall call, string value)
    {
        if (!IpNetwork.TryParse(value.Trim(), out var network))
        {
            throw new RuleSyntaxException($"invalid value \"{value}\" for {call.Name} matcher, expected an IP address or a CIDR range", call.Column);
        }

        return CompiledPart.Unindexed(new ClientIPMatcher(network!));
    }

    public static Regex Regex(MatcherCall call, string pattern, bool ignoreCase = false) =>
        Re2Regex.Compile(pattern, ignoreCase, out var error) ?? throw new RuleSyntaxException($"{call.Name}: {error}", call.Column);

    private static void RequireSlash(MatcherCall call, string path)
    {
        if (!path.StartsWith('/'))
        {
            throw new RuleSyntaxException($"path \"{path}\" of {call.Name} matcher must start with a \"/\"", call.Column);
        }
    }

    private static void RequireValue(MatcherCall call, string value)
    {
        if (value.Length == 0)
        {
            throw new RuleSyntaxException($"empty value for {call.Name} matcher", call.Column);
        }
    }
}

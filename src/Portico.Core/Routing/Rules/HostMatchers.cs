using System.Text.RegularExpressions;

namespace Portico.Routing.Rules;

/// <summary><c>Host(`example.com`)</c>: the canonical request host equals the (canonicalised) value.</summary>
internal sealed class ExactHostMatcher(string host) : RuleMatcher
{
    public string Host { get; } = host;

    public override bool Matches(in RoutingRequest request) => string.Equals(request.Host, Host, StringComparison.Ordinal);
}

/// <summary><c>Host(`*.example.com`)</c>: exactly one non-empty label in front of <see cref="Suffix"/> (which starts with a dot).</summary>
internal sealed class WildcardHostMatcher(string suffix) : RuleMatcher
{
    public string Suffix { get; } = suffix;

    public override bool Matches(in RoutingRequest request) => Covers(request.Host, Suffix);

    public static bool Covers(string host, string suffix)
    {
        if (host.Length <= suffix.Length || !host.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        return host.AsSpan(0, host.Length - suffix.Length).IndexOf('.') < 0;
    }
}

/// <summary><c>HostRegexp</c>: the regex runs on the canonical (lower-case, port-less) host.</summary>
internal sealed class HostRegexMatcher(Regex regex) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => regex.IsMatch(request.Host);
}

internal static class HostValues
{
    /// <summary>Canonical form of a host written in a rule: trimmed, lower-cased, without trailing dot.</summary>
    public static string Canonical(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        return v.Length > 1 && v[^1] == '.' ? v[..^1] : v;
    }

    public static bool IsAscii(string value)
    {
        foreach (var c in value)
        {
            if (c > 127)
            {
                return false;
            }
        }

        return true;
    }
}

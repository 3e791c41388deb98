using System.Diagnostics.CodeAnalysis;
using Portico.Routing.Rules;

namespace Portico.Tcp.Routing;

/// <summary>
/// A compiled TCP router rule. <see cref="ServerNames"/> are the real names its <c>HostSNI</c> matchers name (not
/// <c>*</c>): a router without TLS may not use any (Traefik's rule), and with a cert resolver they are its domains.
/// <see cref="UsesServerName"/> also counts <c>HostSNIRegexp</c>.
/// </summary>
internal sealed record TcpCompiledRule(string Text, TcpRuleMatcher Matcher, IReadOnlyList<string> ServerNames, bool UsesServerName);

/// <summary>
/// The TCP rule language: Traefik's expression syntax (shared parser with HTTP rules) over the TCP matchers
/// <c>HostSNI</c>, <c>HostSNIRegexp</c>, <c>ClientIP</c> and <c>ALPN</c> (v3: one argument each; v2: several, and
/// <c>HostSNIRegexp</c> takes gorilla/mux templates).
/// </summary>
internal static class TcpRuleCompiler
{
    /// <summary>The ALPN protocol of TLS-ALPN-01 challenges: routing on it would steal the CA's validation connections.</summary>
    public const string AcmeTlsProtocol = "acme-tls/1";

    private static readonly string[] V3Names = ["HostSNI", "HostSNIRegexp", "ClientIP", "ALPN"];
    private static readonly string[] V2Names = ["HostSNI", "HostSNIRegexp", "ClientIP"];

    public static bool TryCompile(string rule, RuleSyntax syntax, [NotNullWhen(true)] out TcpCompiledRule? compiled, [NotNullWhen(false)] out string? error)
    {
        compiled = null;
        try
        {
            var tree = RuleParser.Parse(rule);
            var names = new List<string>();
            var usesServerName = false;
            var matcher = Build(tree, syntax, names, ref usesServerName);
            compiled = new TcpCompiledRule(rule, matcher, names, usesServerName);
            error = null;
            return true;
        }
        catch (RuleSyntaxException ex)
        {
            error = $"rule \"{rule}\": {ex.Message} at column {ex.Column}";
            return false;
        }
    }

    public static TcpCompiledRule Compile(string rule, RuleSyntax syntax = RuleSyntax.V3) =>
        TryCompile(rule, syntax, out var compiled, out var error) ? compiled : throw new FormatException(error);

    private static TcpRuleMatcher Build(RuleNode node, RuleSyntax syntax, List<string> names, ref bool usesServerName) => node switch
    {
        AndNode and => new TcpAndMatcher(Build(and.Left, syntax, names, ref usesServerName), Build(and.Right, syntax, names, ref usesServerName)),
        OrNode or => new TcpOrMatcher(Build(or.Left, syntax, names, ref usesServerName), Build(or.Right, syntax, names, ref usesServerName)),
        NotNode not => new TcpNotMatcher(Build(not.Operand, syntax, names, ref usesServerName)),
        MatcherCall call => Matcher(call, syntax, names, ref usesServerName),
        _ => throw new RuleSyntaxException("unsupported expression", node.Column),
    };

    private static TcpRuleMatcher Matcher(MatcherCall call, RuleSyntax syntax, List<string> names, ref bool usesServerName)
    {
        var name = Canonical(call.Name, syntax) ?? throw Unknown(call, syntax);
        var single = syntax == RuleSyntax.V3;
        if (call.Arguments.Count == 0 || (single && call.Arguments.Count != 1))
        {
            throw new RuleSyntaxException(single
                ? $"matcher {name} expects 1 argument, got {call.Arguments.Count}"
                : $"matcher {name} expects at least 1 argument, got 0", call.Column);
        }

        TcpRuleMatcher? result = null;
        foreach (var argument in call.Arguments)
        {
            var one = name switch
            {
                "HostSNI" => HostSni(call, argument, names, ref usesServerName),
                "HostSNIRegexp" => HostSniRegexp(call, argument, syntax, ref usesServerName),
                "ClientIP" => ClientIP(call, argument),
                _ => Alpn(call, argument),
            };

            // v2 lists are alternatives; HostSNI(`*`) anywhere in a v2 list matches everything, as in Traefik.
            result = result is null ? one : new TcpOrMatcher(result, one);
        }

        return result!;
    }

    private static TcpRuleMatcher HostSni(MatcherCall call, string value, List<string> names, ref bool usesServerName)
    {
        if (value == "*")
        {
            return TcpAnyMatcher.Instance;
        }

        // Traefik accepts letters, digits, dots and dashes only: no wildcard (use HostSNIRegexp), no underscore.
        if (value.Length == 0 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
        {
            throw new RuleSyntaxException($"invalid value for HostSNI matcher, \"{value}\" is not a valid hostname", call.Column);
        }

        var host = value.ToLowerInvariant().TrimEnd('.');
        names.Add(host);
        usesServerName = true;
        return new TcpHostSniMatcher(host);
    }

    private static TcpRuleMatcher HostSniRegexp(MatcherCall call, string value, RuleSyntax syntax, ref bool usesServerName)
    {
        if (!HostValues.IsAscii(value))
        {
            throw new RuleSyntaxException($"invalid value for HostSNIRegexp matcher, \"{value}\" is not a valid hostname", call.Column);
        }

        usesServerName = true;
        var pattern = syntax == RuleSyntax.V2 ? GorillaTemplate.ToRegex(call, value, GorillaTemplate.Kind.Host) : value;
        return new TcpHostSniRegexMatcher(V3Matchers.Regex(call, pattern, ignoreCase: syntax == RuleSyntax.V2));
    }

    private static TcpClientIPMatcher ClientIP(MatcherCall call, string value) =>
        IpNetwork.TryParse(value.Trim(), out var network)
            ? new TcpClientIPMatcher(network!)
            : throw new RuleSyntaxException($"invalid value \"{value}\" for ClientIP matcher, expected an IP address or a CIDR range", call.Column);

    private static TcpAlpnMatcher Alpn(MatcherCall call, string protocol)
    {
        if (protocol == AcmeTlsProtocol)
        {
            throw new RuleSyntaxException($"invalid protocol value for ALPN matcher, \"{protocol}\" is not allowed (reserved for ACME TLS-ALPN-01)", call.Column);
        }

        if (protocol.Length == 0)
        {
            throw new RuleSyntaxException("empty value for ALPN matcher", call.Column);
        }

        return new TcpAlpnMatcher(protocol);
    }

    /// <summary>The documented name for any of Traefik's four accepted spellings, or null.</summary>
    private static string? Canonical(string name, RuleSyntax syntax)
    {
        foreach (var candidate in syntax == RuleSyntax.V2 ? V2Names : V3Names)
        {
            var lower = candidate.ToLowerInvariant();
            if (name == candidate || name == lower || name == candidate.ToUpperInvariant() || name == char.ToUpperInvariant(lower[0]) + lower[1..])
            {
                return candidate;
            }
        }

        return null;
    }

    private static RuleSyntaxException Unknown(MatcherCall call, RuleSyntax syntax)
    {
        var hint = syntax == RuleSyntax.V2 && Canonical(call.Name, RuleSyntax.V3) is { } v3 ? $" (\"{v3}\" exists in rule syntax v3)" : string.Empty;
        var http = MatcherFactory.CanonicalName(call.Name, syntax) is { } httpName ? $" (\"{httpName}\" is an HTTP matcher; TCP routers use HostSNI, HostSNIRegexp, ClientIP and ALPN)" : string.Empty;
        return new RuleSyntaxException($"unknown TCP matcher \"{call.Name}\"{hint}{http}", call.Column);
    }
}

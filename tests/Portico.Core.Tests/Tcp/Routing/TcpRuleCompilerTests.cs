using System.Net;
using Portico.Routing.Rules;
using Portico.Tcp;
using Portico.Tcp.Routing;

namespace Portico.Tests.Tcp.Routing;

public sealed class TcpRuleCompilerTests
{
    private static readonly TcpConnectionInfo Plain = new(IPAddress.Parse("10.1.2.3"), null);

    private static TcpConnectionInfo Tls(string? sni, params string[] alpn) => new(IPAddress.Parse("10.1.2.3"), new ClientHelloInfo(sni, alpn));

    public static TheoryData<string, string, string, bool> Cases => new()
    {
        // name, rule, connection (plain | sni[,alpn...]), expected
        { "catch-all plain", "HostSNI(`*`)", "plain", true },
        { "catch-all tls without sni", "HostSNI(`*`)", "", true },
        { "exact sni", "HostSNI(`db.example.com`)", "db.example.com", true },
        { "sni is case-insensitive", "HostSNI(`DB.Example.com`)", "db.EXAMPLE.com", true },
        { "trailing dots ignored", "HostSNI(`db.example.com.`)", "db.example.com.", true },
        { "other sni", "HostSNI(`db.example.com`)", "web.example.com", false },
        { "no sni", "HostSNI(`db.example.com`)", "", false },
        { "plain has no sni", "HostSNI(`db.example.com`)", "plain", false },
        { "regexp", "HostSNIRegexp(`^.+\\.example\\.com$`)", "a.example.com", true },
        { "regexp unanchored", "HostSNIRegexp(`example`)", "a.example.com", true },
        { "regexp miss", "HostSNIRegexp(`^.+\\.example\\.com$`)", "example.com", false },
        { "alpn", "ALPN(`h2`)", "x.test,http/1.1,h2", true },
        { "alpn exact", "ALPN(`h2`)", "x.test,h2c", false },
        { "client ip cidr", "ClientIP(`10.0.0.0/8`)", "plain", true },
        { "client ip miss", "ClientIP(`192.168.0.0/16`)", "plain", false },
        { "and", "HostSNI(`a.test`) && ALPN(`postgresql`)", "a.test,postgresql", true },
        { "and miss", "HostSNI(`a.test`) && ALPN(`postgresql`)", "a.test,h2", false },
        { "or", "HostSNI(`a.test`) || HostSNI(`b.test`)", "b.test", true },
        { "not", "!ClientIP(`10.0.0.0/8`)", "plain", false },
        { "grouping", "HostSNI(`a.test`) && !(ALPN(`h2`) || ALPN(`http/1.1`))", "a.test,imap", true },
        { "lower-case matcher name", "hostsni(`a.test`)", "a.test", true },
        { "upper-case matcher name", "HOSTSNI(`a.test`)", "a.test", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches(string name, string rule, string connection, bool expected)
    {
        var compiled = TcpRuleCompiler.Compile(rule);
        var info = connection == "plain" ? Plain : connection.Split(',') is var parts ? Tls(parts[0].Length == 0 ? null : parts[0], parts[1..]) : null;

        Assert.True(expected == compiled.Matcher.Matches(info!), name);
    }

    public static TheoryData<string, string, string> V2Cases => new()
    {
        { "several hosts", "HostSNI(`a.test`, `b.test`)", "b.test" },
        { "template", "HostSNIRegexp(`{sub:[a-z]+}.example.com`)", "api.example.com" },
        { "several networks", "ClientIP(`192.168.0.0/16`, `10.0.0.0/8`)", "x" },
    };

    [Theory]
    [MemberData(nameof(V2Cases))]
    public void V2SyntaxMatches(string name, string rule, string sni)
    {
        Assert.True(TcpRuleCompiler.Compile(rule, RuleSyntax.V2).Matcher.Matches(Tls(sni)), name);
    }

    public static TheoryData<string, string, string> Errors => new()
    {
        { "http matcher", "Host(`a.test`)", "\"Host\" is an HTTP matcher" },
        { "unknown", "Foo(`a`)", "unknown TCP matcher \"Foo\"" },
        { "two arguments in v3", "HostSNI(`a.test`, `b.test`)", "expects 1 argument, got 2" },
        { "wildcard host", "HostSNI(`*.example.com`)", "not a valid hostname" },
        { "underscore", "HostSNI(`a_b.test`)", "not a valid hostname" },
        { "empty host", "HostSNI(``)", "not a valid hostname" },
        { "acme alpn", "ALPN(`acme-tls/1`)", "is not allowed" },
        { "bad network", "ClientIP(`10.0.0.0/33`)", "expected an IP address or a CIDR range" },
        { "bad regexp", "HostSNIRegexp(`(`)", "HostSNIRegexp" },
        { "non-ascii regexp", "HostSNIRegexp(`ü.test`)", "not a valid hostname" },
        { "syntax", "HostSNI(`a.test`) &&", "unexpected end of rule" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void RefusesBadRules(string name, string rule, string expected)
    {
        Assert.False(TcpRuleCompiler.TryCompile(rule, RuleSyntax.V3, out _, out var error), name);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void V3OnlyMatcherInV2SaysSo()
    {
        Assert.False(TcpRuleCompiler.TryCompile("ALPN(`h2`)", RuleSyntax.V2, out _, out var error));
        Assert.Contains("exists in rule syntax v3", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string[], bool> Names => new()
    {
        { "catch-all", "HostSNI(`*`)", [], false },
        { "two names", "HostSNI(`A.test`) || HostSNI(`b.test`) && ClientIP(`10.0.0.1`)", ["a.test", "b.test"], true },
        { "regexp only", "HostSNIRegexp(`^a`)", [], true },
        { "no sni", "ClientIP(`10.0.0.1`)", [], false },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void ReportsTheServerNamesItUses(string name, string rule, string[] names, bool usesServerName)
    {
        var compiled = TcpRuleCompiler.Compile(rule);

        Assert.Equal(names, compiled.ServerNames);
        Assert.True(usesServerName == compiled.UsesServerName, name);
    }
}

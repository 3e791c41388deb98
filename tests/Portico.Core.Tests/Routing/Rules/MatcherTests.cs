using Portico.Routing.Rules;

namespace Portico.Tests.Routing.Rules;

public sealed class MatcherTests
{
    [Theory]
    [InlineData("exact", "Host(`example.com`)", "example.com", true)]
    [InlineData("port stripped", "Host(`example.com`)", "example.com:8080", true)]
    [InlineData("case insensitive request", "Host(`example.com`)", "EXAMPLE.com", true)]
    [InlineData("case insensitive rule", "Host(`Example.COM`)", "example.com", true)]
    [InlineData("trailing dot in request", "Host(`example.com`)", "example.com.", true)]
    [InlineData("trailing dot in rule", "Host(`example.com.`)", "example.com", true)]
    [InlineData("other host", "Host(`example.com`)", "example.org", false)]
    [InlineData("subdomain is not the host", "Host(`example.com`)", "a.example.com", false)]
    [InlineData("ipv6", "Host(`::1`)", "[::1]:443", true)]
    [InlineData("ipv4 with port", "Host(`10.0.0.1`)", "10.0.0.1:80", true)]
    [InlineData("wildcard one label", "Host(`*.example.com`)", "a.example.com", true)]
    [InlineData("wildcard with port", "Host(`*.example.com`)", "a.example.com:8443", true)]
    [InlineData("wildcard not two labels", "Host(`*.example.com`)", "a.b.example.com", false)]
    [InlineData("wildcard not apex", "Host(`*.example.com`)", "example.com", false)]
    [InlineData("wildcard not suffix string", "Host(`*.example.com`)", "aexample.com", false)]
    [InlineData("bare star", "Host(`*`)", "anything.test", true)]
    [InlineData("bare star without host", "Host(`*`)", "", true)]
    [InlineData("no host never matches", "Host(`example.com`)", "", false)]
    [InlineData("host regexp on canonical host", "HostRegexp(`^[a-z]+\\.example\\.com$`)", "API.example.com:80", true)]
    [InlineData("host regexp unanchored", "HostRegexp(`example`)", "www.example.com", true)]
    [InlineData("host regexp no match", "HostRegexp(`^[a-z]+\\.example\\.com$`)", "a1.example.com", false)]
    public void Host(string scenario, string rule, string host, bool expected) => Check(scenario, rule, expected, host: host);

    [Theory]
    [InlineData("exact path", "Path(`/a`)", "/a", true)]
    [InlineData("path is exact", "Path(`/a`)", "/a/", false)]
    [InlineData("prefix", "PathPrefix(`/products`)", "/products/1", true)]
    [InlineData("prefix is a plain string prefix", "PathPrefix(`/products`)", "/products-for-sale", true)]
    [InlineData("prefix miss", "PathPrefix(`/products`)", "/product", false)]
    [InlineData("decoded space", "PathPrefix(`/foo bar`)", "/foo%20bar", true)]
    [InlineData("encoded slash kept encoded", "Path(`/a/b`)", "/a%2Fb", false)]
    [InlineData("encoded slash matches encoded rule", "Path(`/a%2Fb`)", "/a%2fb", true)]
    [InlineData("path case sensitive", "Path(`/A`)", "/a", false)]
    [InlineData("query not part of path", "Path(`/a`)", "/a?x=1", true)]
    [InlineData("path regexp", "PathRegexp(`^/products/[0-9]+$`)", "/products/42", true)]
    [InlineData("path regexp no match", "PathRegexp(`^/products/[0-9]+$`)", "/products/x", false)]
    [InlineData("path regexp unanchored", "PathRegexp(`\\.css`)", "/static/site.css", true)]
    [InlineData("path regexp case flag", "PathRegexp(`(?i)^/API`)", "/api", true)]
    [InlineData("sanitised before matching", "PathPrefix(`/admin`)", "/public/../admin", true)]
    public void Path(string scenario, string rule, string target, bool expected) => Check(scenario, rule, expected, target: target);

    [Theory]
    [InlineData("same", "Method(`GET`)", "GET", true)]
    [InlineData("rule upper-cased", "Method(`post`)", "POST", true)]
    [InlineData("no implicit head", "Method(`GET`)", "HEAD", false)]
    [InlineData("other", "Method(`GET`)", "POST", false)]
    public void Method(string scenario, string rule, string method, bool expected) => Check(scenario, rule, expected, method: method);

    [Theory]
    [InlineData("exact value", "Header(`X-Env`, `prod`)", "X-Env", "prod", true)]
    [InlineData("name case insensitive", "Header(`x-env`, `prod`)", "X-ENV", "prod", true)]
    [InlineData("value case sensitive", "Header(`X-Env`, `prod`)", "X-Env", "Prod", false)]
    [InlineData("one of several values", "Header(`X-Env`, `b`)", "X-Env", "a|b", true)]
    [InlineData("comma joined is one value", "Header(`X-Env`, `b`)", "X-Env", "a, b", false)]
    [InlineData("missing header", "Header(`X-Env`, `prod`)", "X-Other", "prod", false)]
    [InlineData("regexp", "HeaderRegexp(`Content-Type`, `^application/(json|xml)$`)", "Content-Type", "application/xml", true)]
    [InlineData("regexp case insensitive flag", "HeaderRegexp(`X-Env`, `(?i)^PROD$`)", "X-Env", "prod", true)]
    [InlineData("regexp presence", "HeaderRegexp(`X-Env`, `.*`)", "X-Env", "anything", true)]
    [InlineData("host header is not a header", "Header(`Host`, `example.com`)", "X-Unused", "x", false)]
    public void Header(string scenario, string rule, string name, string values, bool expected)
    {
        var headers = values.Split('|').Select(v => (name, v)).ToArray();
        Check(scenario, rule, expected, headers: headers);
    }

    [Theory]
    [InlineData("key and value", "Query(`a`, `1`)", "/?a=1", true)]
    [InlineData("other value", "Query(`a`, `1`)", "/?a=2", false)]
    [InlineData("any of several values", "Query(`a`, `2`)", "/?a=1&a=2", true)]
    [InlineData("key only matches bare key", "Query(`a`)", "/?a", true)]
    [InlineData("key only matches empty value", "Query(`a`)", "/?a=", true)]
    [InlineData("key only does not match a value", "Query(`a`)", "/?a=1", false)]
    [InlineData("key case sensitive", "Query(`a`, `1`)", "/?A=1", false)]
    [InlineData("decoded value", "Query(`q`, `a b/c`)", "/?q=a+b%2Fc", true)]
    [InlineData("decoded key", "Query(`a b`, `1`)", "/?a%20b=1", true)]
    [InlineData("semicolon pairs dropped", "Query(`a`, `1`)", "/?a=1;b=2", false)]
    [InlineData("missing", "Query(`a`, `1`)", "/?b=1", false)]
    [InlineData("regexp", "QueryRegexp(`id`, `^[0-9]+$`)", "/?id=42", true)]
    [InlineData("regexp miss", "QueryRegexp(`id`, `^[0-9]+$`)", "/?id=x", false)]
    [InlineData("regexp one argument is query", "QueryRegexp(`a`)", "/?a", true)]
    public void Query(string scenario, string rule, string target, bool expected) => Check(scenario, rule, expected, target: target);

    [Theory]
    [InlineData("single ipv4", "ClientIP(`10.0.0.1`)", "10.0.0.1", true)]
    [InlineData("ipv4 cidr", "ClientIP(`10.0.0.0/8`)", "10.2.3.4", true)]
    [InlineData("ipv4 cidr miss", "ClientIP(`10.0.0.0/8`)", "11.0.0.1", false)]
    [InlineData("host bits masked like Go", "ClientIP(`192.168.1.7/24`)", "192.168.1.200", true)]
    [InlineData("ipv6", "ClientIP(`2001:db8::/32`)", "2001:db8::42", true)]
    [InlineData("ipv6 miss", "ClientIP(`2001:db8::/32`)", "2001:db9::1", false)]
    [InlineData("mapped address", "ClientIP(`192.168.0.0/16`)", "::ffff:192.168.3.4", true)]
    [InlineData("families differ", "ClientIP(`::/0`)", "10.0.0.1", false)]
    [InlineData("odd prefix", "ClientIP(`10.0.0.0/9`)", "10.127.0.1", true)]
    [InlineData("odd prefix miss", "ClientIP(`10.0.0.0/9`)", "10.128.0.1", false)]
    public void ClientIP(string scenario, string rule, string ip, bool expected) => Check(scenario, rule, expected, ip: ip);

    [Theory]
    [InlineData("and", "Host(`a.com`) && Path(`/x`)", "a.com", "/x", true)]
    [InlineData("and miss", "Host(`a.com`) && Path(`/x`)", "a.com", "/y", false)]
    [InlineData("or", "Host(`b.com`) || Path(`/x`)", "a.com", "/x", true)]
    [InlineData("not", "Host(`a.com`) && !PathPrefix(`/admin`)", "a.com", "/admin/x", false)]
    [InlineData("not passes", "Host(`a.com`) && !PathPrefix(`/admin`)", "a.com", "/public", true)]
    [InlineData("precedence", "Host(`b.com`) || Host(`a.com`) && Path(`/x`)", "b.com", "/y", true)]
    public void Combinators(string scenario, string rule, string host, string target, bool expected) =>
        Check(scenario, rule, expected, host: host, target: target);

    [Theory]
    [InlineData("non-ascii host", "Host(`bücher.example`)", "non-ASCII")]
    [InlineData("inner wildcard", "Host(`a.*.com`)", "invalid wildcard host")]
    [InlineData("empty host", "Host(``)", "empty value")]
    [InlineData("path without slash", "Path(`a`)", "must start with a \"/\"")]
    [InlineData("prefix without slash", "PathPrefix(`a`)", "must start with a \"/\"")]
    [InlineData("bad ip", "ClientIP(`10.0.0.300`)", "expected an IP address or a CIDR range")]
    [InlineData("bad cidr", "ClientIP(`10.0.0.0/33`)", "expected an IP address or a CIDR range")]
    [InlineData("look-ahead", "PathRegexp(`^/(?=a)`)", "look-ahead assertions are not supported")]
    [InlineData("back-reference", "HostRegexp(`(a)\\1`)", "back-references are not supported")]
    public void ConfigErrors(string scenario, string rule, string fragment)
    {
        Assert.True(scenario.Length > 0);
        Assert.False(RuleCompiler.TryCompile(rule, RuleSyntax.V3, out _, out var error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    private static void Check(
        string scenario,
        string rule,
        bool expected,
        string host = "example.com",
        string target = "/",
        string method = "GET",
        string ip = "10.0.0.1",
        (string, string)[]? headers = null)
    {
        var request = TestRequests.Create(host, target, method, ip, headers ?? []);
        Assert.True(expected == RuleCompiler.Compile(rule).Matches(request), $"{scenario}: {rule} expected {expected}");
    }
}

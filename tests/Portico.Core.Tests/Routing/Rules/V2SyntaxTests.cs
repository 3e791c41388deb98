using Portico.Routing.Rules;

namespace Portico.Tests.Routing.Rules;

public sealed class V2SyntaxTests
{
    [Theory]
    [InlineData("multi host first", "Host(`a.com`, `b.com`)", "a.com", "/", "GET", true)]
    [InlineData("multi host second", "Host(`a.com`, `b.com`)", "b.com", "/", "GET", true)]
    [InlineData("multi host miss", "Host(`a.com`, `b.com`)", "c.com", "/", "GET", false)]
    [InlineData("host header alias", "HostHeader(`a.com`)", "a.com", "/", "GET", true)]
    [InlineData("multi method", "Method(`GET`, `post`)", "a.com", "/", "POST", true)]
    [InlineData("multi path", "Path(`/a`, `/b`)", "a.com", "/b", "GET", true)]
    [InlineData("multi prefix", "PathPrefix(`/a`, `/b`)", "a.com", "/b/c", "GET", true)]
    [InlineData("path template", "Path(`/users/{id:[0-9]+}`)", "a.com", "/users/42", "GET", true)]
    [InlineData("path template miss", "Path(`/users/{id:[0-9]+}`)", "a.com", "/users/x", "GET", false)]
    [InlineData("path template anchored", "Path(`/users/{id}`)", "a.com", "/users/42/x", "GET", false)]
    [InlineData("default var stops at slash", "Path(`/users/{id}`)", "a.com", "/users/42", "GET", true)]
    [InlineData("prefix template", "PathPrefix(`/users/{id:[0-9]+}`)", "a.com", "/users/42/orders", "GET", true)]
    [InlineData("host regexp template", "HostRegexp(`{sub:[a-z]+}.example.com`)", "api.example.com", "/", "GET", true)]
    [InlineData("host regexp template anchored", "HostRegexp(`{sub:[a-z]+}.example.com`)", "api.example.com.evil", "/", "GET", false)]
    [InlineData("host regexp default var is one label", "HostRegexp(`{sub}.example.com`)", "a.b.example.com", "/", "GET", false)]
    [InlineData("host regexp literal dot", "HostRegexp(`{sub}.example.com`)", "api.exampleXcom", "/", "GET", false)]
    [InlineData("host regexp plain host", "HostRegexp(`example.com`)", "example.com", "/", "GET", true)]
    [InlineData("query pair", "Query(`a=1`)", "a.com", "/?a=1", "GET", true)]
    [InlineData("query pairs are all required", "Query(`a=1`, `b=2`)", "a.com", "/?a=1", "GET", false)]
    [InlineData("query pairs both", "Query(`a=1`, `b=2`)", "a.com", "/?b=2&a=1", "GET", true)]
    [InlineData("query empty value means present", "Query(`a=`)", "a.com", "/?a=zzz", "GET", true)]
    [InlineData("query value template", "Query(`id={id:[0-9]+}`)", "a.com", "/?id=12", "GET", true)]
    [InlineData("query value template miss", "Query(`id={id:[0-9]+}`)", "a.com", "/?id=1x", "GET", false)]
    public void Matches(string scenario, string rule, string host, string target, string method, bool expected)
    {
        var request = TestRequests.Create(host, target, method);
        Assert.True(expected == RuleCompiler.Compile(rule, RuleSyntax.V2).Matches(request), scenario);
    }

    [Theory]
    [InlineData("headers", "Headers(`X-Env`, `prod`)", "prod", true)]
    [InlineData("headers miss", "Headers(`X-Env`, `prod`)", "dev", false)]
    [InlineData("headers regexp", "HeadersRegexp(`X-Env`, `^pr`)", "prod", true)]
    public void Headers(string scenario, string rule, string value, bool expected)
    {
        var request = TestRequests.Create(headers: ("X-Env", value));
        Assert.True(expected == RuleCompiler.Compile(rule, RuleSyntax.V2).Matches(request), scenario);
    }

    [Fact]
    public void MultiClientIP()
    {
        var rule = RuleCompiler.Compile("ClientIP(`10.0.0.0/8`, `192.168.0.1`)", RuleSyntax.V2);
        Assert.True(rule.Matches(TestRequests.Create(ip: "192.168.0.1")));
        Assert.False(rule.Matches(TestRequests.Create(ip: "192.168.0.2")));
    }

    [Theory]
    [InlineData("no query regexp in v2", "QueryRegexp(`a`, `b`)", "unknown matcher \"QueryRegexp\"")]
    [InlineData("no header in v2", "Header(`a`, `b`)", "(\"Header\" exists in rule syntax v3)")]
    [InlineData("query needs key=value", "Query(`a`)", "expected \"key=value\"")]
    [InlineData("unbalanced braces", "Path(`/a/{id`)", "unbalanced braces")]
    [InlineData("template regex is RE2", "Path(`/a/{id:(?=x)}`)", "look-ahead")]
    [InlineData("template path needs slash", "Path(`a/{id}`)", "must start with a \"/\"")]
    public void Errors(string scenario, string rule, string fragment)
    {
        Assert.False(RuleCompiler.TryCompile(rule, RuleSyntax.V2, out _, out var error), scenario);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void V3RejectsMultipleValues()
    {
        Assert.False(RuleCompiler.TryCompile("Host(`a`, `b`)", RuleSyntax.V3, out _, out _));
        Assert.True(RuleCompiler.TryCompile("Host(`a`, `b`)", RuleSyntax.V2, out _, out _));
    }

    [Fact]
    public void TemplatesKeepTheirLiteralPrefixAsIndexHint()
    {
        var rule = RuleCompiler.Compile("Host(`a.com`, `b.com`) && PathPrefix(`/api/{v}`)", RuleSyntax.V2);
        Assert.Equal(["a.com", "b.com"], rule.Hints.ExactHosts!);
        Assert.Equal(["/api/"], rule.Hints.PathPrefixes!);
    }
}

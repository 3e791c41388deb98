using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;

namespace Portico.Tests.Configuration.Parsing;

public sealed class ConfigEqualityTests
{
    private static DynamicConfig Load(string yaml)
    {
        var errors = new List<ConfigError>();
        var config = DynamicConfigLoader.Load(yaml, "d.yml", errors);
        Assert.Empty(errors);
        return config!;
    }

    private const string Base = """
        http:
          routers:
            r: {rule: "Host(`a`)", service: s, middlewares: [m1], tls: {options: x}}
          services:
            s:
              loadBalancer:
                servers: [{url: "http://10.0.0.1"}]
                healthCheck: {path: /health, headers: {X-A: b}}
          middlewares:
            m1: {stripPrefix: {prefixes: [/api]}}
        """;

    [Theory]
    [InlineData("identical", Base, true)]
    [InlineData("moved lines only", "\n\n# comment\n" + Base, true)]
    [InlineData("different rule", "http:\n  routers:\n    r: {rule: \"Host(`b`)\", service: s, middlewares: [m1], tls: {options: x}}\n  services:\n    s:\n      loadBalancer:\n        servers: [{url: \"http://10.0.0.1\"}]\n        healthCheck: {path: /health, headers: {X-A: b}}\n  middlewares:\n    m1: {stripPrefix: {prefixes: [/api]}}\n", false)]
    [InlineData("different raw node", "http:\n  routers:\n    r: {rule: \"Host(`a`)\", service: s, middlewares: [m1], tls: {options: y}}\n  services:\n    s:\n      loadBalancer:\n        servers: [{url: \"http://10.0.0.1\"}]\n        healthCheck: {path: /health, headers: {X-A: b}}\n  middlewares:\n    m1: {stripPrefix: {prefixes: [/api]}}\n", false)]
    [InlineData("different header value", "http:\n  routers:\n    r: {rule: \"Host(`a`)\", service: s, middlewares: [m1], tls: {options: x}}\n  services:\n    s:\n      loadBalancer:\n        servers: [{url: \"http://10.0.0.1\"}]\n        healthCheck: {path: /health, headers: {X-A: c}}\n  middlewares:\n    m1: {stripPrefix: {prefixes: [/api]}}\n", false)]
    [InlineData("extra list item", "http:\n  routers:\n    r: {rule: \"Host(`a`)\", service: s, middlewares: [m1, m2], tls: {options: x}}\n  services:\n    s:\n      loadBalancer:\n        servers: [{url: \"http://10.0.0.1\"}]\n        healthCheck: {path: /health, headers: {X-A: b}}\n  middlewares:\n    m1: {stripPrefix: {prefixes: [/api]}}\n", false)]
    public void Compares_structure_and_ignores_locations(string scenario, string other, bool expected)
    {
        var a = Load(Base);
        var b = Load(other);

        Assert.True(expected == ConfigEquality.DeepEquals(a, b), scenario);
        Assert.True(ConfigEquality.DeepEquals(a.Http!.Middlewares, b.Http!.Middlewares), scenario);
    }

    [Theory]
    [InlineData("both null", null, null, true)]
    [InlineData("one null", "a", null, false)]
    [InlineData("strings", "a", "a", true)]
    public void Scalars(string scenario, string? a, string? b, bool expected)
    {
        Assert.True(expected == ConfigEquality.DeepEquals(a, b), scenario);
    }

    [Fact]
    public void Records_generated_equality_is_not_enough_but_deep_equality_is()
    {
        var a = new RouterConfig { Middlewares = ["x"], Location = new SourceLocation("a.yml", 1, 1) };
        var b = new RouterConfig { Middlewares = ["x"], Location = new SourceLocation("b.yml", 9, 1) };

        Assert.NotEqual(a, b);
        Assert.True(ConfigEquality.DeepEquals(a, b));
    }
}

using Portico.Configuration;
using Portico.Configuration.Dynamic;

namespace Portico.Tests.Configuration.Dynamic;

public sealed class DynamicConfigLoaderTests
{
    private static string Golden(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Configuration", "testdata", name));

    [Fact]
    public void Realistic_traefik_dynamic_file_binds_without_errors()
    {
        var errors = new List<ConfigError>();

        var config = DynamicConfigLoader.Load(Golden("traefik-dynamic.yml"), "dynamic.yml", errors);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var http = config!.Http!;
        var api = http.Routers["api"];
        Assert.Equal(["websecure"], api.EntryPoints!);
        Assert.Equal(["strip-api", "secure-headers"], api.Middlewares);
        Assert.Equal(100, api.Priority);
        Assert.Equal("le", api.Tls!.CertResolver);
        Assert.Equal(4, api.Location.Line);
        Assert.NotNull(http.Routers["legacy"].Tls);
        Assert.Equal("v2", http.Routers["legacy"].RuleSyntax);

        var lb = http.Services["api-service"].LoadBalancer!;
        Assert.Equal("p2c", lb.Strategy);
        Assert.Equal(2, lb.Servers.Count);
        Assert.Equal(2, lb.Servers[1].Weight);
        Assert.Null(lb.Servers[0].Weight);
        Assert.Equal(TimeSpan.FromSeconds(10), lb.HealthCheck!.Interval);
        Assert.Equal("probe", lb.HealthCheck.Headers["X-Health"]);
        Assert.Equal("lax", lb.Sticky!.Cookie!.SameSite);
        Assert.Equal(TimeSpan.FromSeconds(-1), lb.ResponseForwarding.FlushInterval);
        Assert.Equal(3, http.Services["canary"].Weighted!.Services[0].Weight);
        Assert.Equal(10, http.Services["shadow"].Mirroring!.Mirrors[0].Percent);
        Assert.Equal("api-v2", http.Services["resilient"].Failover!.Fallback);
        Assert.Equal("internal.example.com", http.ServersTransports["internal"].ServerName);
        Assert.Equal(TimeSpan.FromSeconds(5), http.ServersTransports["internal"].ForwardingTimeouts.DialTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), http.ServersTransports["internal"].ForwardingTimeouts.IdleConnTimeout);
        Assert.NotNull(http.Middlewares["strip-api"].Get("stripPrefix"));
        Assert.NotNull(config.Tcp!.Routers["db"]);
        Assert.Single(config.Tls!.Certificates);
    }

    [Fact]
    public void Unparsable_text_returns_null()
    {
        var errors = new List<ConfigError>();

        var config = DynamicConfigLoader.Load("http:\n  routers: [\n", "d.yml", errors);

        Assert.Null(config);
        Assert.Equal("d.yml", Assert.Single(errors).Location.Source);
    }

    [Fact]
    public void Binding_errors_still_return_the_config()
    {
        var errors = new List<ConfigError>();

        var config = DynamicConfigLoader.Load("http:\n  routers:\n    r:\n      priority: high\n      service: s\n", "d.yml", errors);

        Assert.Equal("s", config!.Http!.Routers["r"].Service);
        var error = Assert.Single(errors);
        Assert.Equal("http.routers.r.priority", error.Item);
        Assert.Equal(4, error.Location.Line);
    }

    [Theory]
    [InlineData("router", "http:\n  routers:\n    a@file: {service: s}\n", "router \"a@file\"", 3)]
    [InlineData("service", "http:\n  services:\n    s@x:\n      loadBalancer: {}\n", "service \"s@x\"", 3)]
    [InlineData("transport", "http:\n  serversTransports:\n    t@x: {}\n", "serversTransport \"t@x\"", 3)]
    [InlineData("tcp router", "tcp:\n  routers:\n    t@x: {service: s}\n", "TCP router \"t@x\"", 3)]
    public void Names_with_at_sign_are_errors_and_removed(string scenario, string yaml, string item, int line)
    {
        var errors = new List<ConfigError>();

        var config = DynamicConfigLoader.Load(yaml, "d.yml", errors);

        var error = Assert.Single(errors);
        Assert.True(item == error.Item, scenario + ": " + error);
        Assert.Equal(line, error.Location.Line);
        Assert.Empty(config!.Http?.Routers ?? new Dictionary<string, RouterConfig>());
        Assert.Empty(config.Http?.Services ?? new Dictionary<string, ServiceConfig>());
        Assert.Empty(config.Tcp?.Routers ?? new Dictionary<string, TcpRouterConfig>());
    }

    [Fact]
    public void Merge_reports_duplicates_naming_both_files_and_keeps_the_first()
    {
        var errors = new List<ConfigError>();
        var a = DynamicConfigLoader.Load("http:\n  routers:\n    r: {service: s1}\n    only-a: {service: s1}\n  middlewares:\n    m: {stripPrefix: {prefixes: [/a]}}\ntls:\n  certificates: [{certFile: a.crt, keyFile: a.key}]\n  options:\n    default: {minVersion: VersionTLS12}\n", "a.yml", errors)!;
        var b = DynamicConfigLoader.Load("http:\n  routers:\n    r: {service: s2}\n  middlewares:\n    m: {stripPrefix: {prefixes: [/b]}}\n  services:\n    s2:\n      loadBalancer: {servers: [{url: 'http://b'}]}\ntls:\n  certificates: [{certFile: b.crt, keyFile: b.key}]\n  options:\n    default: {minVersion: VersionTLS13}\n", "b.yml", errors)!;
        Assert.Empty(errors);

        var merged = DynamicConfigLoader.Merge([("a.yml", a), ("b.yml", b)], errors);

        Assert.Equal(["router \"r\"", "middleware \"m\"", "TLS option \"default\""], errors.Select(e => e.Item));
        Assert.All(errors, e => Assert.Contains("a.yml and b.yml", e.Message, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal("b.yml", e.Location.Source));
        Assert.Equal("s1", merged.Http!.Routers["r"].Service);
        Assert.True(merged.Http.Routers.ContainsKey("only-a"));
        Assert.True(merged.Http.Services.ContainsKey("s2"));
        Assert.Equal(["a.crt", "b.crt"], merged.Tls!.Certificates.Select(c => c.CertFile));
        Assert.Equal("VersionTLS12", merged.Tls.Options["default"].MinVersion);
    }

    [Fact]
    public void Merge_of_nothing_is_empty()
    {
        var errors = new List<ConfigError>();

        var merged = DynamicConfigLoader.Merge([], errors);

        Assert.Null(merged.Http);
        Assert.Null(merged.Tcp);
        Assert.Empty(errors);
    }
}

using Portico.Configuration;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Static;

public sealed class StaticConfigValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private StaticConfigLoadResult LoadFile(string path) =>
        StaticConfigLoader.Load(["--configFile=" + path], new Dictionary<string, string>(), _dir.Path, []);

    [Fact]
    public void Realistic_traefik_static_file_binds_without_errors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Configuration", "testdata", "traefik-static.yml");

        var result = LoadFile(path);

        // PROXY protocol is supported now: nothing to report.
        Assert.Empty(result.Errors);
        var config = result.Config;
        Assert.Equal("INFO", config.Log!.Level);
        Assert.Equal(4, config.EntryPoints!.Count);
        var websecure = config.EntryPoints["websecure"];
        Assert.True(websecure.AsDefault);
        Assert.Equal(TimeSpan.FromSeconds(30), websecure.Transport.LifeCycle.GraceTimeOut);
        Assert.Equal(TimeSpan.FromSeconds(60), websecure.Transport.RespondingTimeouts.ReadTimeout);
        Assert.Equal(TimeSpan.FromMinutes(3), websecure.Transport.RespondingTimeouts.IdleTimeout);
        Assert.Equal(["10.0.0.0/8", "192.168.1.7", "fd00::/8"], websecure.ForwardedHeaders.TrustedIPs);
        Assert.False(websecure.Http.EncodedCharacters.AllowEncodedSlash);
        Assert.True(websecure.Http.EncodedCharacters.AllowEncodedHash);
        Assert.Equal(100, websecure.Http2.MaxConcurrentStreams);
        Assert.Equal("websecure", config.EntryPoints["web"].Http.Redirections!.EntryPoint!.To);
        Assert.Equal(int.MaxValue - 1, config.EntryPoints["web"].Http.Redirections!.EntryPoint!.Priority);
        Assert.Equal(TimeSpan.FromSeconds(10), config.EntryPoints["dns"].Udp.Timeout);
        Assert.Equal(50, config.ServersTransport!.MaxIdleConnsPerHost);
        Assert.Equal("/etc/traefik/dynamic", config.Providers!.File!.Directory);
        Assert.Equal(31, config.EntryPoints["websecure"].Location.Line);
    }

    [Theory]
    [InlineData("bad address", "entryPoints:\n  web:\n    address: \"80\"\n", "entryPoints.web.address", 3, "missing port")]
    [InlineData("missing address", "entryPoints:\n  web:\n    asDefault: true\n", "entryPoints.web.address", 2, "required")]
    [InlineData("at sign in name", "entryPoints:\n  web@x:\n    address: \":80\"\n", "entryPoints.web@x", 2, "must not contain '@'")]
    [InlineData("log level", "log:\n  level: verbose\n", "log.level", 2, "invalid log level")]
    [InlineData("log format", "log:\n  format: xml\n", "log.format", 2, "use common or json")]
    [InlineData("rule syntax", "core:\n  defaultRuleSyntax: v4\n", "core.defaultRuleSyntax", 2, "use v3 or v2")]
    [InlineData("redirect to missing entry point", "entryPoints:\n  web:\n    address: \":80\"\n    http:\n      redirections:\n        entryPoint:\n          to: \":443\"\n", "entryPoints.web.http.redirections.entryPoint.to", 7, "does not exist")]
    [InlineData("bad trusted ip", "entryPoints:\n  web:\n    address: \":80\"\n    forwardedHeaders:\n      trustedIPs: [10.0.0.0/33]\n", "entryPoints.web.forwardedHeaders.trustedIPs", 5, "not an IP address or a CIDR")]
    [InlineData("bad proxy protocol ip", "entryPoints:\n  web:\n    address: \":80\"\n    proxyProtocol:\n      trustedIPs:\n        - nope\n", "entryPoints.web.proxyProtocol.trustedIPs", 5, "not an IP address or a CIDR")]
    [InlineData("unknown key", "entryPoints:\n  web:\n    address: \":80\"\n    asDefualt: true\n", "entryPoints.web.asDefualt", 4, "did you mean \"asDefault\"?")]
    [InlineData("type error", "ping:\n  terminatingStatusCode: many\n", "ping.terminatingStatusCode", 2, "expected an integer")]
    [InlineData("yaml syntax", "entryPoints:\n  web:\n    address: \":80\n", "syntax", 3, "invalid YAML")]
    public void Bad_files_give_file_and_line(string scenario, string yaml, string item, int line, string message)
    {
        var path = _dir.Write("bad.yml", yaml);

        var result = LoadFile(path);

        var errors = result.Errors.Where(e => e.Severity == ConfigSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.True(item.Length == 0 || item == error.Item, scenario + ": " + error);
        Assert.Equal(path, error.Location.Source);
        Assert.True(line == error.Location.Line, scenario + ": " + error);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_sections_are_warnings_naming_their_path()
    {
        const string yaml = """
            entryPoints:
              websecure:
                address: ":443"
                http3: {}
                http:
                  tls:
                    certResolver: le
            metrics:
              prometheus: {}
            accessLog: {}
            certificatesResolvers:
              le:
                acme: {email: a@b.c, tlsChallenge: {}}
            providers:
              docker:
                exposedByDefault: false
              file:
                directory: /dyn
            """;
        var path = _dir.Write("s.yml", yaml);

        var result = LoadFile(path);

        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        var warnings = result.Errors.Select(e => (e.Item, e.Location.Line)).OrderBy(w => w.Line).ToList();
        Assert.Equal(
            [("entryPoints.websecure.http3", 4), ("metrics", 8), ("providers.docker", 15)],
            warnings);
        Assert.All(result.Errors.Where(e => e.Item != "entryPoints.websecure.http3"), e => Assert.Contains("not yet supported", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http3: {}", "")]
    [InlineData("http3: {advertisedPort: 443}", " (http3.advertisedPort is ignored: no Alt-Svc header is sent)")]
    public void Http3_says_QUIC_is_unavailable_and_the_entry_point_serves_http1_and_http2(string http3, string suffix)
    {
        var path = _dir.Write("s.yml", $"entryPoints:\n  websecure:\n    address: \":443\"\n    {http3}\n");

        var result = LoadFile(path);

        var warning = Assert.Single(result.Errors);
        Assert.Equal(ConfigSeverity.Warning, warning.Severity);
        Assert.Equal("entryPoints.websecure.http3", warning.Item);
        Assert.Equal("HTTP/3 (QUIC) is not available on this platform; entry point websecure serves HTTP/1.1 and HTTP/2 only" + suffix, warning.Message);
        Assert.Equal(4, warning.Location.Line);
    }

    [Theory]
    [InlineData("defined resolver: inherited by the routers, no warning", "le", 0)]
    [InlineData("undefined resolver", "nope", 1)]
    public void Entry_point_certResolver_must_name_a_resolver(string row, string resolver, int warnings)
    {
        var path = _dir.Write("s.yml", $"entryPoints:\n  websecure:\n    address: \":443\"\n    http:\n      tls:\n        certResolver: {resolver}\n        domains:\n          - main: example.com\ncertificatesResolvers:\n  le:\n    acme:\n      httpChallenge: {{entryPoint: websecure}}\n");

        var result = LoadFile(path);

        Assert.True(warnings == result.Errors.Count, $"{row}: {string.Join("; ", result.Errors)}");
        Assert.All(result.Errors, e => Assert.Equal("entryPoints.websecure.http.tls.certResolver", e.Item));
    }

    [Theory]
    [InlineData("ipv4", "10.1.2.3", true)]
    [InlineData("ipv4 cidr with host bits", "10.1.2.3/8", true)]
    [InlineData("ipv6 cidr", "2001:db8::/32", true)]
    [InlineData("prefix too long", "::1/129", false)]
    [InlineData("name", "localhost", false)]
    [InlineData("empty prefix", "10.0.0.0/", false)]
    public void Trusted_ip_syntax(string scenario, string value, bool valid)
    {
        Assert.True(valid == StaticConfigValidator.IsIPOrCidr(value), scenario);
    }
}

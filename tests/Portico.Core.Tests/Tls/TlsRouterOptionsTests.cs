using System.Security.Authentication;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Tls;

namespace Portico.Tests.Tls;

public sealed class TlsRouterOptionsTests
{
    public static TheoryData<string, string?, string, SslProtocols> Rows => new()
    {
        { "a router's options apply to its host", "modern.test", "default", SslProtocols.Tls13 },
        { "host names ignore case", "MODERN.test", "default", SslProtocols.Tls13 },
        { "a host without a router gets the entry point's options", "other.test", "default", SslProtocols.Tls12 | SslProtocols.Tls13 },
        { "no SNI gets the entry point's options", null, "modern", SslProtocols.Tls13 },
        { "a router without options leaves the entry point's", "plain.test", "modern", SslProtocols.Tls13 },
        { "conflicting routers fall back to default", "shared.test", "modern", SslProtocols.Tls12 | SslProtocols.Tls13 },
        { "a provider suffix is dropped", "suffixed.test", "default", SslProtocols.Tls13 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void OptionsFollowTheRoutersHosts(string row, string? serverName, string entryPointOptions, SslProtocols expected)
    {
        _ = row;
        var errors = new List<ConfigError>();
        var runtime = TlsRuntime.Build(
            new TlsConfig { Options = new Dictionary<string, TlsOptionsConfig> { ["modern"] = new() { MinVersion = "VersionTLS13" } } },
            errors);
        runtime = runtime.WithRouterOptions(
            [
                ("a", ["modern.test"], "modern"),
                ("b", ["plain.test"], ""),
                ("c", ["shared.test"], "modern"),
                ("d", ["shared.test"], "default"),
                ("e", ["suffixed.test"], "modern@file"),
            ],
            errors);

        var conflict = Assert.Single(errors);
        Assert.Equal(ConfigSeverity.Warning, conflict.Severity);
        Assert.Contains("\"shared.test\"", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(expected, runtime.Select(serverName, entryPointOptions)!.EnabledSslProtocols);
    }

    [Fact]
    public void AnInvalidOptionSetRefusesItsHandshakes()
    {
        var errors = new List<ConfigError>();
        var runtime = TlsRuntime.Build(new TlsConfig { Options = new Dictionary<string, TlsOptionsConfig> { ["broken"] = new() { CipherSuites = ["TLS_NOPE"] } } }, errors);

        Assert.Contains(errors, e => e.Message.Contains("\"TLS_NOPE\"", StringComparison.Ordinal));
        Assert.Null(runtime.Select("a.test", "broken"));
        Assert.NotNull(runtime.Select("a.test", TlsRuntime.DefaultOptions));
    }
}

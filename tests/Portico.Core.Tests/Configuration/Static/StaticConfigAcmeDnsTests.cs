using Portico.Configuration;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Static;

public sealed class StaticConfigAcmeDnsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_dnsChallenge_option_binds()
    {
        var result = Load("""
            dnsChallenge:
                    provider: exec
                    resolvers: ["1.1.1.1:53", "8.8.8.8:53"]
                    propagation:
                      delayBeforeChecks: 30s
                      disableChecks: true
                      requireAllRNS: true
                      disableANSChecks: true
            """);

        Assert.Empty(result.Errors);
        var dns = result.Config.CertificatesResolvers!["le"].Acme!.DnsChallenge!;
        Assert.Equal("exec", dns.Provider);
        Assert.Equal(["1.1.1.1:53", "8.8.8.8:53"], dns.Resolvers);
        Assert.True(dns.Propagation!.RequireAllRNS);
        Assert.True(dns.Propagation.DisableANSChecks);
        Assert.Equal(TimeSpan.FromSeconds(30), dns.EffectiveDelayBeforeChecks());
        Assert.True(dns.EffectiveDisableChecks());
    }

    [Fact]
    public void The_deprecated_options_map_to_propagation_with_a_warning()
    {
        var result = Load("""
            dnsChallenge:
                    provider: httpreq
                    delayBeforeCheck: 10
                    disablePropagationCheck: true
            """);

        var dns = result.Config.CertificatesResolvers!["le"].Acme!.DnsChallenge!;
        Assert.Equal(TimeSpan.FromSeconds(10), dns.EffectiveDelayBeforeChecks());
        Assert.True(dns.EffectiveDisableChecks());
        Assert.Equal(
            ["certificatesResolvers.le.acme.dnsChallenge.delayBeforeCheck", "certificatesResolvers.le.acme.dnsChallenge.disablePropagationCheck"],
            result.Errors.Select(e => e.Item).ToArray());
        Assert.All(result.Errors, e => Assert.Equal(ConfigSeverity.Warning, e.Severity));
        Assert.All(result.Errors, e => Assert.Contains("is deprecated: use \"certificatesResolvers.le.acme.dnsChallenge.propagation.", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("unknown provider", "provider: route53", "provider", "unknown DNS provider \"route53\": Portico supports exec, httpreq")]
    [InlineData("no provider", "resolvers: [\"1.1.1.1:53\"]", "provider", "dnsChallenge needs \"provider\": one of exec, httpreq")]
    [InlineData("bad resolver", "provider: exec\n        resolvers: [\"1.1.1.1:dns\"]", "resolvers", "resolver \"1.1.1.1:dns\" is not host:port")]
    [InlineData("negative delay", "provider: exec\n        propagation:\n          delayBeforeChecks: -1s", "propagation.delayBeforeChecks", "must not be negative")]
    public void Bad_options_are_errors_naming_the_option(string scenario, string options, string item, string message)
    {
        var result = Load("dnsChallenge:\n        " + options);

        var error = Assert.Single(result.Errors, e => e.Severity == ConfigSeverity.Error);
        Assert.True("certificatesResolvers.le.acme.dnsChallenge." + item == error.Item, scenario + ": " + error);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private StaticConfigLoadResult Load(string dnsChallenge)
    {
        var yaml = "certificatesResolvers:\n  le:\n    acme:\n      email: a@b.c\n      keyType: EC256\n      " + dnsChallenge.Replace("\n", "\n      ", StringComparison.Ordinal) + "\n";
        var path = _dir.Write("s.yml", yaml);
        return StaticConfigLoader.Load(["--configFile=" + path], new Dictionary<string, string>(), _dir.Path, []);
    }
}

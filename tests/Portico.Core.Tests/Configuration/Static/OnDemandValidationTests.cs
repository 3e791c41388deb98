using Portico.Configuration;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Static;

public sealed class OnDemandValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("valid https ask", "{ask: \"https://auth.internal/check\"}", null)]
    [InlineData("valid http ask with rate limit", "{ask: \"http://127.0.0.1:9000/ok?x=1\", rateLimit: {burst: 3, period: 30s}}", null)]
    [InlineData("ask missing", "{rateLimit: {burst: 3}}", "certificatesResolvers.le.acme.onDemand.ask")]
    [InlineData("relative ask", "{ask: \"/check\"}", "certificatesResolvers.le.acme.onDemand.ask")]
    [InlineData("ftp ask", "{ask: \"ftp://auth.internal/check\"}", "certificatesResolvers.le.acme.onDemand.ask")]
    [InlineData("zero burst", "{ask: \"https://a.b/c\", rateLimit: {burst: 0}}", "certificatesResolvers.le.acme.onDemand.rateLimit.burst")]
    [InlineData("zero period", "{ask: \"https://a.b/c\", rateLimit: {period: 0s}}", "certificatesResolvers.le.acme.onDemand.rateLimit.period")]
    public void OnDemand_needs_an_absolute_http_ask_url_and_a_positive_rate_limit(string scenario, string onDemand, string? errorItem)
    {
        _ = scenario;
        var path = _dir.Write("s.yml", $$"""
            entryPoints:
              websecure:
                address: ":443"
            certificatesResolvers:
              le:
                acme:
                  tlsChallenge: {}
                  onDemand: {{onDemand}}
            """);

        var result = StaticConfigLoader.Load(["--configFile=" + path], new Dictionary<string, string>(), _dir.Path, []);

        var errors = result.Errors.Where(e => e.Severity == ConfigSeverity.Error).Select(e => e.Item).ToList();
        Assert.Equal(errorItem is null ? [] : [errorItem], errors);
        if (errorItem is null)
        {
            Assert.NotNull(result.Config!.CertificatesResolvers!["le"].Acme!.OnDemand!.Ask);
        }
    }
}

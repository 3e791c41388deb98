using Portico.Configuration;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Static;

public sealed class AcmeClientValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("every client option is supported", "keyType: EC384\n      preferredChain: ISRG Root X1\n      certificatesDuration: 24\n      caCertificates: [/x.pem]\n      caSystemCertPool: true\n      caServerName: ca.example\n      clientTimeout: 10s\n      clientResponseHeaderTimeout: 5s\n      eab: {kid: kid-1, hmacEncoded: zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W}", null, null)]
    [InlineData("unknown key type", "keyType: EC521", "certificatesResolvers.le.acme.keyType", "not one of EC256, EC384, RSA2048, RSA4096, RSA8192")]
    [InlineData("eab without kid", "eab: {hmacEncoded: abcd}", "certificatesResolvers.le.acme.eab.kid", "eab.kid is required")]
    [InlineData("eab without key", "eab: {kid: k}", "certificatesResolvers.le.acme.eab.hmacEncoded", "eab.hmacEncoded is required")]
    [InlineData("eab key not base64url", "eab: {kid: k, hmacEncoded: 'not base64!'}", "certificatesResolvers.le.acme.eab.hmacEncoded", "not base64url")]
    [InlineData("zero certificatesDuration", "certificatesDuration: 0", "certificatesResolvers.le.acme.certificatesDuration", "positive number of hours")]
    public void Acme_client_options(string scenario, string options, string? errorItem, string? message)
    {
        var path = _dir.Write("s.yml", $$"""
            entryPoints:
              web: {address: ":80"}
            certificatesResolvers:
              le:
                acme:
                  httpChallenge: {entryPoint: web}
                  {{options}}
            """);

        var result = StaticConfigLoader.Load(["--configFile=" + path], new Dictionary<string, string>(), _dir.Path, []);

        var errors = result.Errors.Where(e => e.Item.StartsWith("certificatesResolvers", StringComparison.Ordinal)).ToList();
        if (errorItem is null)
        {
            Assert.True(errors.Count == 0, scenario + ": " + string.Join("; ", errors));
            return;
        }

        var error = Assert.Single(errors);
        Assert.Equal(errorItem, error.Item);
        Assert.Equal(ConfigSeverity.Error, error.Severity);
        Assert.Contains(message!, error.Message, StringComparison.Ordinal);
    }
}

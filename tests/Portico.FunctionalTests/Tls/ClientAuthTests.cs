using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

public sealed class ClientAuthTests
{
    private const string Static = """
        entryPoints:
          websecure:
            address: "127.0.0.1:0"
            http:
              tls: {}
        """;

    /// <summary>Client: "none", "untrusted" (from a CA not in caFiles) or "trusted"; accepted: whether the request is served.</summary>
    public static TheoryData<string, string, string, bool> Rows => new()
    {
        { "NoClientCert serves without a certificate", "NoClientCert", "none", true },
        { "NoClientCert does not ask, so an untrusted one is irrelevant", "NoClientCert", "untrusted", true },
        { "RequestClientCert serves without a certificate", "RequestClientCert", "none", true },
        { "RequestClientCert does not verify", "RequestClientCert", "untrusted", true },
        { "RequestClientCert passes a trusted one", "RequestClientCert", "trusted", true },
        { "RequireAnyClientCert refuses no certificate", "RequireAnyClientCert", "none", false },
        { "RequireAnyClientCert does not verify", "RequireAnyClientCert", "untrusted", true },
        { "RequireAnyClientCert passes a trusted one", "RequireAnyClientCert", "trusted", true },
        { "VerifyClientCertIfGiven serves without a certificate", "VerifyClientCertIfGiven", "none", true },
        { "VerifyClientCertIfGiven refuses an untrusted one", "VerifyClientCertIfGiven", "untrusted", false },
        { "VerifyClientCertIfGiven passes a trusted one", "VerifyClientCertIfGiven", "trusted", true },
        { "RequireAndVerifyClientCert refuses no certificate", "RequireAndVerifyClientCert", "none", false },
        { "RequireAndVerifyClientCert refuses an untrusted one", "RequireAndVerifyClientCert", "untrusted", false },
        { "RequireAndVerifyClientCert passes a trusted one", "RequireAndVerifyClientCert", "trusted", true },
        { "caFiles without a type mean RequireAndVerifyClientCert", "", "none", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task ClientAuthTypeDecidesAsync(string row, string type, string client, bool accepted)
    {
        _ = row;
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static);
        using var trusted = ClientCertificates.CreateCa(portico.Directory, "trusted-ca");
        using var untrusted = ClientCertificates.CreateCa(portico.Directory, "other-ca");
        var typeLine = type.Length > 0 ? $"clientAuthType: {type}" : "";
        await portico.WriteDynamicAsync(Dynamic(backend, $$"""
            tls:
              options:
                default:
                  clientAuth:
                    caFiles: ["{{trusted.CaFile}}"]
                    {{typeLine}}
            """));

        using var certificate = client switch
        {
            "trusted" => trusted.Issue("alice"),
            "untrusted" => untrusted.Issue("mallory"),
            _ => null,
        };
        using var https = new MtlsClient(portico.Url("websecure"), certificate);
        if (!accepted)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => https.GetAsync("app.test"));
            Assert.Empty(backend.Seen);
            return;
        }

        using var response = await https.GetAsync("app.test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(backend.Seen);
        var asked = type is not "NoClientCert";
        Assert.Equal(asked && certificate is not null, seen.Headers.ContainsKey("X-Forwarded-Tls-Client-Cert"));
    }

    [Fact]
    public async Task AVerifiedClientCertificateReachesTheBackendThroughPassTlsClientCertAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static);
        using var ca = ClientCertificates.CreateCa(portico.Directory, "ca");
        await portico.WriteDynamicAsync(Dynamic(backend, $$"""
            tls:
              options:
                default:
                  clientAuth:
                    caFiles: ["{{ca.CaFile}}"]
                    clientAuthType: RequireAndVerifyClientCert
            """));

        using var certificate = ca.Issue("alice");
        using var https = new MtlsClient(portico.Url("websecure"), certificate);
        using var response = await https.GetAsync("app.test");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(backend.Seen);
        Assert.Equal(Convert.ToBase64String(certificate.RawData), Uri.UnescapeDataString(seen.Headers["X-Forwarded-Tls-Client-Cert"]));
        Assert.Contains("CN%3Dalice", seen.Headers["X-Forwarded-Tls-Client-Cert-Info"], StringComparison.Ordinal);
    }

    /// <summary>A router with passTLSClientCert (pem and subject common name) to <paramref name="backend"/>, then <paramref name="tls"/>.</summary>
    private static string Dynamic(RecordingBackend backend, string tls) => $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: app
              middlewares: [certs]
          middlewares:
            certs:
              passTLSClientCert:
                pem: true
                info:
                  subject:
                    commonName: true
          services:
            app:
              loadBalancer:
                servers:
                  - url: "{backend.Url}"
        {tls}
        """;
}

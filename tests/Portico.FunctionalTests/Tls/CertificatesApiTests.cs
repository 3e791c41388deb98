using System.Net;
using System.Text.Json;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

/// <summary><c>/api/certificates</c> (Traefik 3.7) lists the certificates of the live TLS store.</summary>
public sealed class CertificatesApiTests
{
    [Fact]
    public async Task TheApiListsTheLoadedCertificatesAndFollowsReloadsAsync()
    {
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              websecure:
                address: "127.0.0.1:0"
                http:
                  tls: {}
              traefik:
                address: "127.0.0.1:0"
            api:
              insecure: true
            """);
        Assert.Equal("[]", await GetAsync(portico));

        var pair = TestCertificates.Write(portico.Directory, "a", "a.example.com", "b.example.com");
        await portico.WriteDynamicAsync($$"""
            tls:
              certificates:
                - { certFile: "{{pair.CertFile}}", keyFile: "{{pair.KeyFile}}" }
            """);

        using var listed = JsonDocument.Parse(await GetAsync(portico));
        var certificate = Assert.Single(listed.RootElement.EnumerateArray().ToArray());
        Assert.Equal(["a.example.com", "b.example.com"], certificate.GetProperty("sans").EnumerateArray().Select(e => e.GetString()!).Order().ToArray());
        Assert.True(DateTimeOffset.Parse(certificate.GetProperty("notAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
    }

    private static async Task<string> GetAsync(PorticoHost portico)
    {
        using var response = await portico.Client.GetAsync(new Uri(portico.Url("traefik"), "/api/certificates"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}

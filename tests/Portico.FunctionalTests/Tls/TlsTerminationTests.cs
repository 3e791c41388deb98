using System.Net;
using System.Security.Authentication;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

public sealed class TlsTerminationTests
{
    private const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
          websecure:
            address: "127.0.0.1:0"
            http:
              tls: {}
        """;

    public static TheoryData<string, string> SniRows => new()
    {
        { "exact name", "a.example.com" },
        { "wildcard one label", "x.wild.test" },
        { "unknown name gets the default certificate", "unknown.test" },
        { "two labels under the wildcard get the default certificate", "x.y.wild.test" },
    };

    [Theory]
    [MemberData(nameof(SniRows))]
    public async Task SniSelectsTheCertificateAsync(string row, string serverName)
    {
        _ = row;
        await using var backend = await Backend.NamedAsync("app");
        await using var portico = await PorticoHost.StartAsync(Static);
        var exact = TestCertificates.Write(portico.Directory, "a", "a.example.com");
        var wild = TestCertificates.Write(portico.Directory, "wild", "*.wild.test");
        await portico.WriteDynamicAsync(Dynamic(backend, $"""
            tls:
              certificates:
                - {Pair(exact)}
                - {Pair(wild)}
            """));

        using var client = new TlsClient(portico.Url("websecure"));
        using var response = await client.GetAsync(serverName);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        var expected = serverName switch
        {
            "a.example.com" => exact.Thumbprint,
            "x.wild.test" => wild.Thumbprint,
            _ => null,
        };
        if (expected is null)
        {
            Assert.Equal("CN=TRAEFIK DEFAULT CERT", client.LastSubject);
        }
        else
        {
            Assert.Equal(expected, client.LastThumbprint);
        }
    }

    [Fact]
    public async Task SniStrictRefusesUnknownNamesAndMinVersionRefusesOlderClientsAsync()
    {
        await using var backend = await Backend.NamedAsync("app");
        await using var portico = await PorticoHost.StartAsync(Static);
        var exact = TestCertificates.Write(portico.Directory, "a", "a.example.com");
        await portico.WriteDynamicAsync(Dynamic(backend, $"""
            tls:
              certificates:
                - {Pair(exact)}
              options:
                default:
                  sniStrict: true
                  minVersion: VersionTLS13
            """));

        using var modern = new TlsClient(portico.Url("websecure"));
        using var ok = await modern.GetAsync("a.example.com");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => modern.GetAsync("unknown.test"));

        using var tls12 = new TlsClient(portico.Url("websecure"), SslProtocols.Tls12);
        await Assert.ThrowsAsync<HttpRequestException>(() => tls12.GetAsync("a.example.com"));
    }

    [Fact]
    public async Task TlsRoutersAreServedOnlyOverTlsAsync()
    {
        await using var secure = await Backend.NamedAsync("secure");
        await using var plain = await Backend.NamedAsync("plain");
        await using var portico = await PorticoHost.StartAsync(Static, $"""
            http:
              routers:
                secure:
                  rule: "PathPrefix(`/`)"
                  service: secure
                  tls: {"{}"}
                plain:
                  rule: "PathPrefix(`/`)"
                  entryPoints: [web]
                  service: plain
              services:
                secure:
                  loadBalancer:
                    servers: [{"{"}url: "{secure.Url}"{"}"}]
                plain:
                  loadBalancer:
                    servers: [{"{"}url: "{plain.Url}"{"}"}]
            """);

        using var client = new TlsClient(portico.Url("websecure"));
        using var overTls = await client.GetAsync("any.test");
        Assert.Equal("secure", await overTls.Content.ReadAsStringAsync());
        Assert.Equal("plain", await portico.Client.GetStringAsync(portico.Url("web")).WaitAsync(PorticoHost.Timeout));
    }

    [Fact]
    public async Task ReloadServesTheNewCertificateWhileAnOpenConnectionKeepsWorkingAsync()
    {
        await using var backend = await Backend.NamedAsync("app");
        await using var portico = await PorticoHost.StartAsync(Static);
        var first = TestCertificates.Write(portico.Directory, "a", "a.example.com");
        await portico.WriteDynamicAsync(Dynamic(backend, $"tls:\n  certificates:\n    - {Pair(first)}\n"));

        using var open = new TlsClient(portico.Url("websecure"));
        using (var response = await open.GetAsync("a.example.com"))
        {
            Assert.Equal(first.Thumbprint, open.LastThumbprint);
        }

        // Unchanged configurations are dropped (as in Traefik), so a rotation writes the new pair under new names.
        var second = TestCertificates.Write(portico.Directory, "a-renewed", "a.example.com");
        await portico.WriteDynamicAsync(Dynamic(backend, $"tls:\n  certificates:\n    - {Pair(second)}\n"));

        // The pooled connection keeps its certificate and still works; a new connection gets the new certificate.
        using (var again = await open.GetAsync("a.example.com"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(first.Thumbprint, open.LastThumbprint);
        }

        using var fresh = new TlsClient(portico.Url("websecure"));
        using var renewed = await fresh.GetAsync("a.example.com");
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(second.Thumbprint, fresh.LastThumbprint);
    }

    [Theory]
    [InlineData("overwritten in place")]
    [InlineData("renamed over the old files")]
    public async Task CertificateFilesChangedOnDiskAreServedWithoutAConfigurationChangeAsync(string how)
    {
        // The certificates live outside the file provider's folder, so only the certificate watcher sees them change.
        var certificates = Directory.CreateTempSubdirectory("portico-certs-");
        try
        {
            await using var backend = await Backend.NamedAsync("app");
            await using var portico = await PorticoHost.StartAsync(Static);
            var first = TestCertificates.Write(certificates.FullName, "a", "a.example.com");
            await portico.WriteDynamicAsync(Dynamic(backend, $"tls:\n  certificates:\n    - {Pair(first)}\n"));
            Assert.Contains(first.CertFile, portico.Server.WatchedCertificateFiles);
            Assert.Contains(first.KeyFile, portico.Server.WatchedCertificateFiles);

            using var open = new TlsClient(portico.Url("websecure"));
            using (var response = await open.GetAsync("a.example.com"))
            {
                Assert.Equal(first.Thumbprint, open.LastThumbprint);
            }

            var second = TestCertificates.Write(certificates.FullName, "renewed", "a.example.com");
            if (how == "overwritten in place")
            {
                File.Copy(second.KeyFile, first.KeyFile, overwrite: true);
                File.Copy(second.CertFile, first.CertFile, overwrite: true);
            }
            else
            {
                File.Move(second.KeyFile, first.KeyFile, overwrite: true);
                File.Move(second.CertFile, first.CertFile, overwrite: true);
            }

            await Poll.UntilAsync(async () =>
            {
                using var fresh = new TlsClient(portico.Url("websecure"));
                using var renewed = await fresh.GetAsync("a.example.com");
                return fresh.LastThumbprint == second.Thumbprint;
            }, $"the certificate {how} to be served");

            // The open connection keeps the certificate it was accepted with and still works.
            using var again = await open.GetAsync("a.example.com");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(first.Thumbprint, open.LastThumbprint);
        }
        finally
        {
            certificates.Delete(recursive: true);
        }
    }

    private static string Pair((string CertFile, string KeyFile, string Thumbprint) pair) =>
        $"{{certFile: \"{pair.CertFile}\", keyFile: \"{pair.KeyFile}\"}}";

    private static string Dynamic(Backend backend, string tls) => $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: app
          services:
            app:
              loadBalancer:
                servers:
                  - url: "{backend.Url}"
        {tls}
        """;
}

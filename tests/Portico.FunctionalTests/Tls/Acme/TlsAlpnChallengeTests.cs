using System.Net;
using System.Security.Cryptography.X509Certificates;
using Portico.FunctionalTests.Infrastructure;
using Portico.Tls.Acme;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// <c>tlsChallenge: {}</c>: pebble validates TLS-ALPN-01 on Portico's <c>websecure</c> port (its mock DNS resolves every
/// name to 127.0.0.1), and the certificate it issues is then served to ordinary clients on that port. The resolver has no
/// other challenge, so a certificate from pebble proves the TLS-ALPN-01 validation succeeded.
/// </summary>
public sealed class TlsAlpnChallengeTests
{
    private const string Host = "alpn.example.test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pebble_validates_tls_alpn_01_on_the_https_entry_point_and_the_router_gets_its_certificate()
    {
        var websecurePort = FreePort.Get();
        await using var pebble = await PebbleServer.StartAsync(new PebbleOptions { TlsPort = websecurePort }).WaitAsync(Timeout);
        await using var backend = await Backend.NamedAsync("app");
        var directory = Directory.CreateTempSubdirectory("portico-acme-tlsalpn-");
        try
        {
            await using var portico = await PorticoHost.StartAsync(StaticYaml(websecurePort, pebble, Path.Combine(directory.FullName, "acme.json")), DynamicYaml(backend.Url.ToString()));
            X509Certificate2? issued = null;
            try
            {
                await Poll.UntilAsync(async () =>
                {
                    var (certificate, _) = await TlsHandshake.RunAsync(websecurePort, Host);
                    issued = certificate;
                    return certificate.Issuer.Contains("Pebble", StringComparison.OrdinalIgnoreCase);
                }, "a certificate issued by pebble", Timeout);
            }
            catch (TimeoutException ex)
            {
                throw new InvalidOperationException("no ACME certificate was served; pebble's log:\n" + pebble.Log, ex);
            }

            Assert.Contains(Host, TlsHandshake.DnsNames(issued!));
            Assert.True(portico.Runtime.TlsHooks.AcmeTlsChallenges.IsEmpty, "the challenge certificate was not cleaned up");

            using var client = new TlsClient(portico.Url("websecure"));
            using var response = await client.GetAsync(Host);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task During_a_pending_challenge_only_an_acme_tls_client_gets_the_challenge_certificate()
    {
        const string other = "other.example.test";
        var directory = Directory.CreateTempSubdirectory("portico-acme-tlsalpn-");
        try
        {
            await using var portico = await PorticoHost.StartAsync(StaticYaml(0, null, Path.Combine(directory.FullName, "acme.json")));
            var port = portico.Url("websecure").Port;
            using var challenge = TlsAlpn01ChallengeSolver.CreateCertificate(Host, "token.thumbprint", DateTimeOffset.UtcNow);
            portico.Runtime.TlsHooks.AcmeTlsChallenges.Add(Host, challenge);

            var (validation, protocol) = await TlsHandshake.RunAsync(port, Host, "acme-tls/1");
            Assert.Equal(challenge.Thumbprint, validation.Thumbprint);
            Assert.Equal(InMemoryTlsAlpn01ChallengeStore.AcmeTls, protocol);

            var (browser, browserProtocol) = await TlsHandshake.RunAsync(port, Host, "h2", "http/1.1");
            Assert.NotEqual(challenge.Thumbprint, browser.Thumbprint);
            Assert.Contains("TRAEFIK DEFAULT CERT", browser.Subject, StringComparison.Ordinal);
            Assert.NotEqual(InMemoryTlsAlpn01ChallengeStore.AcmeTls, browserProtocol);

            // acme-tls/1 for a name without a pending challenge is an ordinary handshake.
            var (unknown, _) = await TlsHandshake.RunAsync(port, other, "h2", "http/1.1");
            Assert.NotEqual(challenge.Thumbprint, unknown.Thumbprint);

            portico.Runtime.TlsHooks.AcmeTlsChallenges.Remove(Host);
            var (after, _) = await TlsHandshake.RunAsync(port, Host, "acme-tls/1", "http/1.1");
            Assert.NotEqual(challenge.Thumbprint, after.Thumbprint);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string StaticYaml(int websecurePort, PebbleServer? pebble, string storage) => $$"""
        entryPoints:
          websecure:
            address: "127.0.0.1:{{websecurePort}}"
            http:
              tls: {}
        certificatesResolvers:
          pebble:
            acme:
              email: admin@portico.example
              caServer: "{{pebble?.DirectoryUrl.ToString() ?? "https://127.0.0.1:1/dir"}}"
              storage: "{{storage}}"
              keyType: EC256
              caCertificates: ["{{pebble?.CertificatePath ?? "/dev/null"}}"]
              tlsChallenge: {}
        """;

    private static string DynamicYaml(string backendUrl) => $$"""
        http:
          routers:
            app:
              rule: "Host(`{{Host}}`)"
              entryPoints: [websecure]
              service: app
              tls:
                certResolver: pebble
          services:
            app:
              loadBalancer:
                servers:
                  - url: "{{backendUrl}}"
        """;
}

using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// certificatesResolvers end to end: pebble validates HTTP-01 on Portico's <c>web</c> entry point (pebble's mock DNS
/// resolves every name to 127.0.0.1), and the certificate it issues is served on <c>websecure</c>.
/// </summary>
public sealed class AcmeResolverTests
{
    private const string Host = "app.example.test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_router_naming_the_resolver_gets_a_certificate_from_pebble_and_a_restart_reuses_acme_json()
    {
        var webPort = FreePort.Get();
        await using var pebble = await PebbleServer.StartAsync(httpPort: webPort).WaitAsync(Timeout);
        await using var backend = await Backend.NamedAsync("app");
        var directory = Directory.CreateTempSubdirectory("portico-acme-resolver-");
        try
        {
            var storage = Path.Combine(directory.FullName, "acme.json");
            var staticYaml = $$"""
                entryPoints:
                  web:
                    address: "127.0.0.1:{{webPort}}"
                    http:
                      redirections:
                        entryPoint:
                          to: websecure
                  websecure:
                    address: "127.0.0.1:0"
                    http:
                      tls: {}
                certificatesResolvers:
                  pebble:
                    acme:
                      email: admin@portico.example
                      caServer: "{{pebble.DirectoryUrl}}"
                      storage: "{{storage}}"
                      keyType: EC256
                      caCertificates: ["{{pebble.CertificatePath}}"]
                      httpChallenge:
                        entryPoint: web
                """;
            var dynamicYaml = $$"""
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
                          - url: "{{backend.Url}}"
                """;

            string serial;
            await using (var portico = await PorticoHost.StartAsync(staticYaml, dynamicYaml))
            {
                var port = portico.Url("websecure").Port;
                using var issued = await TlsHandshake.WaitForPebbleCertificateAsync(port, Host, pebble);
                serial = issued.SerialNumber;
                Assert.Contains(Host, TlsHandshake.DnsNames(issued));

                using var client = new TlsClient(portico.Url("websecure"));
                using var response = await client.GetAsync(Host);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(issued.Thumbprint, client.LastThumbprint);

                Assert.True(File.Exists(storage), "acme.json was not written");
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(storage));
                }
            }

            await using (var restarted = await PorticoHost.StartAsync(staticYaml, dynamicYaml))
            {
                using var reused = await TlsHandshake.WaitForPebbleCertificateAsync(restarted.Url("websecure").Port, Host, pebble);
                Assert.Equal(serial, reused.SerialNumber);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

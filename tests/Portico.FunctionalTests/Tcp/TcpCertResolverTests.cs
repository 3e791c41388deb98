using Portico.FunctionalTests.Infrastructure;
using Portico.FunctionalTests.Tls.Acme;

namespace Portico.FunctionalTests.Tcp;

/// <summary>
/// A TCP router that terminates TLS and names a certificate resolver gets its certificate from the CA (pebble, HTTP-01
/// on <c>web</c>), as in Traefik: for its <c>tls.domains</c>, or else for the names of its <c>HostSNI</c> matchers.
/// </summary>
public sealed class TcpCertResolverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string, string[]> Rows => new()
    {
        { "the rule's HostSNI names", string.Empty, ["db.example.test"] },
        {
            "the router's tls.domains",
            "domains:\n            - main: db.example.test\n              sans: [replica.example.test]",
            ["db.example.test", "replica.example.test"]
        },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task ATerminatingTcpRouterGetsItsCertificateFromItsResolverAsync(string row, string domains, string[] names)
    {
        _ = row;
        var webPort = FreePort.Get();
        await using var pebble = await PebbleServer.StartAsync(httpPort: webPort).WaitAsync(Timeout);
        await using var backend = TcpEchoBackend.Start("db");
        var directory = Directory.CreateTempSubdirectory("portico-acme-tcp-");
        try
        {
            var staticYaml = $$"""
                entryPoints:
                  web:
                    address: "127.0.0.1:{{webPort}}"
                  db:
                    address: "127.0.0.1:0"
                certificatesResolvers:
                  pebble:
                    acme:
                      email: admin@portico.example
                      caServer: "{{pebble.DirectoryUrl}}"
                      storage: "{{Path.Combine(directory.FullName, "acme.json")}}"
                      caCertificates: ["{{pebble.CertificatePath}}"]
                      httpChallenge:
                        entryPoint: web
                """;
            var dynamicYaml = $$"""
                tcp:
                  routers:
                    db:
                      entryPoints: [db]
                      rule: "HostSNI(`db.example.test`)"
                      service: db
                      tls:
                        certResolver: pebble
                        {{domains}}
                  services:
                    db:
                      loadBalancer:
                        servers: [{address: "{{backend.Address}}"}]
                """;

            await using var portico = await PorticoHost.StartAsync(staticYaml, dynamicYaml);
            var router = Assert.Single(portico.Runtime.Current.Status.TcpRouters);
            Assert.Empty(router.Errors);

            using var issued = await TlsHandshake.WaitForPebbleCertificateAsync(portico.Url("db").Port, "db.example.test", pebble);
            Assert.Equal(names.Order(StringComparer.Ordinal), TlsHandshake.DnsNames(issued).Order(StringComparer.Ordinal));

            // The router terminates TLS with that certificate and proxies the decrypted bytes.
            await using var client = await LineClient.ConnectAsync(portico.Url("db"), "db.example.test");
            Assert.Equal(issued.Thumbprint, client.RemoteCertificate!.GetCertHashString());
            Assert.Equal("db", await client.ReadLineAsync());
            await client.SendAsync("select 1\n");
            Assert.Equal("select 1", await client.ReadLineAsync());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

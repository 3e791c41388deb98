using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls.Acme.Dns;

/// <summary>
/// A dnsChallenge resolver end to end: a router asking for <c>*.wild.test</c> in <c>tls.domains</c> gets a wildcard
/// certificate from pebble through the <c>exec</c> provider, and Portico serves it for <c>a.wild.test</c>.
/// </summary>
public sealed class Dns01ResolverTests
{
    private const string Host = "a.wild.test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_router_with_a_wildcard_domain_gets_the_wildcard_certificate_through_DNS_01()
    {
        await using var pebble = await PebbleServer.StartAsync().WaitAsync(Timeout);
        await using var backend = await Backend.NamedAsync("wild");
        using var scripts = new DnsScripts();
        var directory = Directory.CreateTempSubdirectory("portico-acme-dns-");

        // Production reads the provider's variables from the process environment, as Traefik does; this is the only
        // test that sets them there (the others inject a dictionary).
        Environment.SetEnvironmentVariable("EXEC_PATH", scripts.Challtestsrv(pebble.DnsManagementUrl));
        Environment.SetEnvironmentVariable("EXEC_POLLING_INTERVAL", "1");
        try
        {
            var staticYaml = $$"""
                entryPoints:
                  websecure:
                    address: "127.0.0.1:0"
                    http:
                      tls: {}
                certificatesResolvers:
                  dns:
                    acme:
                      email: admin@portico.example
                      caServer: "{{pebble.DirectoryUrl}}"
                      storage: "{{Path.Combine(directory.FullName, "acme.json")}}"
                      keyType: EC256
                      caCertificates: ["{{pebble.CertificatePath}}"]
                      dnsChallenge:
                        provider: exec
                        resolvers: ["127.0.0.1:{{DnsScripts.Port(pebble.DnsPort)}}"]
                """;
            var dynamicYaml = $$"""
                http:
                  routers:
                    wild:
                      rule: "Host(`{{Host}}`)"
                      entryPoints: [websecure]
                      service: wild
                      tls:
                        certResolver: dns
                        domains:
                          - main: "*.wild.test"
                  services:
                    wild:
                      loadBalancer:
                        servers:
                          - url: "{{backend.Url}}"
                """;

            await using var portico = await PorticoHost.StartAsync(staticYaml, dynamicYaml);
            using var issued = await TlsHandshake.WaitForPebbleCertificateAsync(portico.Url("websecure").Port, Host, pebble);

            Assert.Equal(["*.wild.test"], TlsHandshake.DnsNames(issued));
            using var client = new TlsClient(portico.Url("websecure"));
            using var response = await client.GetAsync(Host);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(issued.Thumbprint, client.LastThumbprint);
        }
        finally
        {
            Environment.SetEnvironmentVariable("EXEC_PATH", null);
            Environment.SetEnvironmentVariable("EXEC_POLLING_INTERVAL", null);
            directory.Delete(recursive: true);
        }
    }
}

using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// Certificates a resolver obtains without any router naming it: routers inherit the entry point's
/// <c>http.tls.certResolver</c> (and <c>domains</c>), and <c>tls.stores.default.defaultGeneratedCert</c> makes the
/// resolver's certificate the default one. pebble validates HTTP-01 on <c>web</c>.
/// </summary>
public sealed class EntryPointResolverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string, string[]> InheritRows => new()
    {
        { "domains from the router's Host rule", "tls:\n        certResolver: pebble", ["app.example.test"] },
        {
            "the entry point's domains",
            "tls:\n        certResolver: pebble\n        domains:\n          - main: site.example.test\n            sans: [app.example.test]",
            ["site.example.test", "app.example.test"]
        },
    };

    [Theory]
    [MemberData(nameof(InheritRows))]
    public async Task A_router_without_tls_inherits_the_entry_point_resolver(string row, string entryPointTls, string[] names)
    {
        _ = row;
        await RunAsync(entryPointTls, string.Empty, "app.example.test", names);
    }

    [Fact]
    public async Task DefaultGeneratedCert_makes_the_resolver_certificate_the_default_one()
    {
        const string Store = """
            tls:
              stores:
                default:
                  defaultGeneratedCert:
                    resolver: pebble
                    domain:
                      main: default.example.test
                      sans: [alt.example.test]
            """;

        // No router names the resolver: the handshake for an unknown name gets the store's default certificate.
        await RunAsync("tls: {}", Store, "unknown.example.test", ["default.example.test", "alt.example.test"]);
    }

    private static async Task RunAsync(string entryPointTls, string dynamicExtra, string serverName, string[] names)
    {
        var webPort = FreePort.Get();
        await using var pebble = await PebbleServer.StartAsync(httpPort: webPort).WaitAsync(Timeout);
        await using var backend = await Backend.NamedAsync("app");
        var directory = Directory.CreateTempSubdirectory("portico-acme-entrypoint-");
        try
        {
            var staticYaml = $$"""
                entryPoints:
                  web:
                    address: "127.0.0.1:{{webPort}}"
                  websecure:
                    address: "127.0.0.1:0"
                    http:
                      {{entryPointTls}}
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
                http:
                  routers:
                    app:
                      rule: "Host(`app.example.test`)"
                      entryPoints: [websecure]
                      service: app
                  services:
                    app:
                      loadBalancer:
                        servers:
                          - url: "{{backend.Url}}"
                {{dynamicExtra}}
                """;

            await using var portico = await PorticoHost.StartAsync(staticYaml, dynamicYaml);
            using var issued = await TlsHandshake.WaitForPebbleCertificateAsync(portico.Url("websecure").Port, serverName, pebble);
            Assert.Equal(names.Order(StringComparer.Ordinal), TlsHandshake.DnsNames(issued).Order(StringComparer.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

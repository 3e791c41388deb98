using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;
using Portico.Forwarding;
using Portico.Providers;
using Portico.Runtime;

namespace Portico.Tests.Runtime;

/// <summary>Which table (TLS or cleartext) each router lands in per entry point, and what it asks the ACME provider for.</summary>
public sealed class SnapshotBuilderTlsTests
{
    private const string Static = """
        entryPoints:
          web:
            address: ":80"
          websecure:
            address: ":443"
            http:
              tls:
                certResolver: le
                domains:
                  - main: example.com
                    sans: ["*.example.com"]
        certificatesResolvers:
          le:
            acme:
              httpChallenge: {entryPoint: web}
        """;

    public static TheoryData<string, string, string, string, string?, string> Rows => new()
    {
        { "no tls: cleartext on web, TLS on the http.tls entry point", "", "web", "websecure", "le", "example.com,*.example.com" },
        { "tls: {} serves TLS on every entry point", "      tls: {}\n", "", "web,websecure", null, "" },
        { "own tls wins as a whole over http.tls", "      tls:\n        certResolver: other\n", "", "web,websecure", "other", "" },
        { "own domains", "      tls:\n        domains:\n          - main: a.test\n", "", "web,websecure", null, "a.test" },
        { "only on web", "      entryPoints: [web]\n", "web", "", null, "" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void RoutersLandInTheTableOfTheirTransport(string row, string routerExtra, string plain, string tls, string? resolver, string domains)
    {
        var snapshot = Build($"""
            http:
              routers:
                r:
                  rule: "Host(`app.test`)"
                  service: svc
            {routerExtra}  services:
                svc:
                  loadBalancer:
                    servers:
                      - url: "http://127.0.0.1:9"
            """);

        string Attached(Func<EntryPointRoutes, Portico.Routing.Http.HttpRouteTable<RouteHandler>> table) => string.Join(
            ",",
            snapshot.EntryPoints.Where(e => table(e.Value).Routes.Any(r => r.Name == "r@file")).Select(e => e.Key).Order(StringComparer.Ordinal));
        var info = snapshot.Status.Routers.Single(r => r.Name == "r@file");

        Assert.True(plain == Attached(e => e.Plain), $"{row}: plain on {Attached(e => e.Plain)}");
        Assert.True(tls == Attached(e => e.Tls), $"{row}: TLS on {Attached(e => e.Tls)}");
        Assert.Equal(resolver, info.CertResolver);
        Assert.Equal(domains, string.Join(",", info.TlsDomains.SelectMany(d => new[] { d.Main! }.Concat(d.Sans))));
        Assert.DoesNotContain(info.Errors, e => e.Message.Contains("does not terminate TLS", StringComparison.Ordinal));
    }

    private static RuntimeSnapshot Build(string dynamicYaml)
    {
        var errors = new List<ConfigError>();
        var config = ConfigBinder.Bind<StaticConfig>(YamlConfigReader.Read(Static, "static.yml", errors), string.Empty, errors);
        var dynamic = DynamicConfigLoader.Load(dynamicYaml, "dynamic.yml", errors)!;
        Assert.DoesNotContain(errors, e => e.Severity == ConfigSeverity.Error);
        var builder = new SnapshotBuilder(config, new RuntimeDependencies { Forwarder = new HttpForwarder() }, InternalItems.Create(config, new RuntimeHolder(), new Lifecycle()));
        var snapshot = builder.Build([new ProviderSnapshot("file", dynamic, [])], RuntimeSnapshot.Empty);
        SnapshotBuilder.Release(snapshot);
        return snapshot;
    }
}

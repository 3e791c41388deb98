using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;
using Portico.Forwarding;
using Portico.Providers;
using Portico.Runtime;

namespace Portico.Tests.Runtime;

public sealed class SnapshotBuilderUdpTests
{
    private const string Static = "entryPoints:\n  web:\n    address: \":80\"\n  dns:\n    address: \":53/udp\"\n  syslog:\n    address: \":514/udp\"\n";

    [Theory]
    [InlineData("missing service", "service: nope", "the service \"nope@file\" does not exist")]
    [InlineData("no service", "entryPoints: [dns]", "the service is missing on the UDP router")]
    [InlineData("tcp entry point only", "entryPoints: [web]\n      service: dns", "no valid entryPoint for this router")]
    [InlineData("broken service", "service: broken", "the service \"broken@file\" is disabled by its own errors")]
    public void ABrokenRouterIsDisabledWithItsReasonAndLine(string scenario, string body, string expected)
    {
        var snapshot = Build($$"""
            udp:
              routers:
                bad:
                  {{body}}
              services:
                dns:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:5353"}]
                broken:
                  loadBalancer:
                    servers: [{address: "nowhere"}]
            """);

        var bad = snapshot.Status.UdpRouters.Single(r => r.Name == "bad@file");
        Assert.True(bad.Status == ItemStatus.Disabled, scenario);
        Assert.Contains(bad.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal) && e.Location.Line > 0);
        Assert.Empty(snapshot.Udp);
    }

    [Fact]
    public void ARouterWithoutEntryPointsServesEveryUdpEntryPoint()
    {
        var snapshot = Build("""
            udp:
              routers:
                all:
                  service: dns
              services:
                dns:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:5353"}]
            """);

        Assert.Equal(["dns", "syslog"], snapshot.Udp.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["dns", "syslog"], snapshot.Status.UdpRouters.Single().Using);
    }

    [Fact]
    public void WhenSeveralRoutersShareAnEntryPointTheLastByNameServesItAndTheOthersWarn()
    {
        var snapshot = Build("""
            udp:
              routers:
                alpha:
                  entryPoints: [dns]
                  service: dns
                beta:
                  entryPoints: [dns, syslog]
                  service: dns
              services:
                dns:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:5353"}]
            """);

        Assert.Equal("beta@file", snapshot.Udp["dns"].RouterName);
        var alpha = snapshot.Status.UdpRouters.Single(r => r.Name == "alpha@file");
        Assert.Equal(ItemStatus.Warning, alpha.Status);
        Assert.Contains(alpha.Errors, e => e.Message.Contains("served by UDP router \"beta@file\"", StringComparison.Ordinal));
        Assert.Empty(alpha.Using);
    }

    [Fact]
    public void WeightedServicesPickTheirChildrenByWeight()
    {
        var snapshot = Build("""
            udp:
              routers:
                r:
                  entryPoints: [dns]
                  service: both
              services:
                both:
                  weighted:
                    services:
                      - {name: a, weight: 2}
                      - {name: b, weight: 1}
                a:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:1001"}]
                b:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:1002"}]
            """);

        var service = snapshot.Udp["dns"].Service;
        var picks = Enumerable.Range(0, 6).Select(_ => service.Next()!.Address).ToArray();
        Assert.Equal(4, picks.Count(p => p == "127.0.0.1:1001"));
        Assert.Equal(2, picks.Count(p => p == "127.0.0.1:1002"));
        Assert.Equal(["r@file"], snapshot.Status.UdpServices.Single(s => s.Name == "both@file").UsedBy);
    }

    [Fact]
    public void NamesDefinedInTwoFilesAreReportedAndTheFirstIsKept()
    {
        var errors = new List<ConfigError>();
        var one = DynamicConfigLoader.Load("udp:\n  services:\n    dns:\n      loadBalancer:\n        servers: [{address: \"127.0.0.1:1\"}]\n", "one.yml", errors)!;
        var two = DynamicConfigLoader.Load("udp:\n  services:\n    dns:\n      loadBalancer:\n        servers: [{address: \"127.0.0.1:2\"}]\n", "two.yml", errors)!;

        var merged = DynamicConfigLoader.Merge([("one.yml", one), ("two.yml", two)], errors);

        Assert.Equal("127.0.0.1:1", merged.Udp!.Services["dns"].LoadBalancer!.Servers[0].Address);
        Assert.Contains(errors, e => e.Message.Contains("defined in both one.yml and two.yml", StringComparison.Ordinal));
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

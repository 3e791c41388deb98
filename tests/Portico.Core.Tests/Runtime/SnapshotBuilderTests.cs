using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;
using Portico.Forwarding;
using Portico.Providers;
using Portico.Runtime;

namespace Portico.Tests.Runtime;

public sealed class SnapshotBuilderTests
{
    private const string Services = """
          services:
            svc:
              loadBalancer:
                servers:
                  - url: "http://127.0.0.1:9"
        """;

    [Theory]
    [InlineData("no entryPoints: every entry point but traefik", "web:\n    address: \":80\"\n  admin:\n    address: \":81\"", "", "admin,web")]
    [InlineData("asDefault entry points only", "web:\n    address: \":80\"\n    asDefault: true\n  admin:\n    address: \":81\"", "", "web")]
    [InlineData("explicit entry points", "web:\n    address: \":80\"\n  admin:\n    address: \":81\"", "      entryPoints: [admin]\n", "admin")]
    [InlineData("udp entry points never", "web:\n    address: \":80\"\n  dns:\n    address: \":53/udp\"", "", "web")]
    public void RoutersAttachToTheEntryPointsTraefikWouldChoose(string scenario, string entryPoints, string routerExtra, string expected)
    {
        var snapshot = Build($"entryPoints:\n  {entryPoints}\napi:\n  insecure: true\n", $"""
            http:
              routers:
                r:
                  rule: "Path(`/`)"
                  service: svc
            {routerExtra}{Services}
            """);

        var attached = snapshot.EntryPoints.Where(e => e.Value.Plain.Routes.Concat(e.Value.Tls.Routes).Any(r => r.Name == "r@file")).Select(e => e.Key).Order();
        Assert.True(expected == string.Join(",", attached), $"{scenario}: attached to {string.Join(",", attached)}");
    }

    [Theory]
    [InlineData("bad rule", "rule: \"Host(`a`\"\n      service: svc", "invalid rule")]
    [InlineData("no rule", "service: svc", "router has no rule")]
    [InlineData("missing service", "rule: \"Path(`/`)\"\n      service: nope", "the service \"nope@file\" does not exist")]
    [InlineData("missing middleware", "rule: \"Path(`/`)\"\n      service: svc\n      middlewares: [nope]", "middleware \"nope@file\" does not exist")]
    [InlineData("bad ruleSyntax", "rule: \"Path(`/`)\"\n      ruleSyntax: v9\n      service: svc", "unknown ruleSyntax \"v9\"")]
    public void ABrokenRouterIsDisabledWithItsErrorAndTheOthersStillServe(string scenario, string body, string expected)
    {
        var snapshot = Build("entryPoints:\n  web:\n    address: \":80\"\n", $"""
            http:
              routers:
                good:
                  rule: "Path(`/ok`)"
                  service: svc
                bad:
                  {body}
            {Services}
            """);

        var bad = snapshot.Status.Routers.Single(r => r.Name == "bad@file");
        Assert.True(bad.Status == ItemStatus.Disabled, scenario);
        Assert.Contains(bad.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal) && e.Location.Line > 0);
        Assert.Equal(ItemStatus.Enabled, snapshot.Status.Routers.Single(r => r.Name == "good@file").Status);
        Assert.Equal(["good@file"], snapshot.EntryPoints["web"].Plain.Routes.Select(r => r.Name));
    }

    [Fact]
    public void UnusedMiddlewaresAreValidated()
    {
        var snapshot = Build("entryPoints:\n  web:\n    address: \":80\"\n", """
            http:
              middlewares:
                broken:
                  addPrefix: {}
            """);

        var broken = snapshot.Status.Middlewares.Single(m => m.Name == "broken@file");
        Assert.Equal(ItemStatus.Disabled, broken.Status);
    }

    [Theory]
    [InlineData("members run in order", "[strip, add]", "")]
    [InlineData("missing member", "[strip, nope]", "middleware \"nope@file\" of the chain does not exist or is invalid")]
    [InlineData("self reference", "[strip, outer]", "reference cycle: outer@file -> outer@file")]
    public void ChainBuildsItsMembersAndRefusesMissingOnesAndCycles(string scenario, string members, string expectedError)
    {
        var snapshot = Build("entryPoints:\n  web:\n    address: \":80\"\n", $"""
            http:
              routers:
                r:
                  rule: "Path(`/`)"
                  service: svc
                  middlewares: [outer]
              middlewares:
                outer:
                  chain:
                    middlewares: {members}
                strip:
                  stripPrefix:
                    prefixes: ["/a"]
                add:
                  addPrefix:
                    prefix: "/b"
            {Services}
            """);

        var errors = snapshot.Status.Middlewares.SelectMany(m => m.Errors).Select(e => e.Message).ToArray();
        if (expectedError.Length == 0)
        {
            Assert.True(errors.Length == 0, $"{scenario}: {string.Join("; ", errors)}");
            Assert.Equal(ItemStatus.Enabled, snapshot.Status.Routers.Single(r => r.Name == "r@file").Status);
        }
        else
        {
            Assert.Contains(expectedError, errors);
            Assert.Equal(ItemStatus.Disabled, snapshot.Status.Routers.Single(r => r.Name == "r@file").Status);
        }
    }

    [Fact]
    public void EntryPointRedirectionAddsAnInternalRouterWithTheTargetPort()
    {
        var snapshot = Build("""
            entryPoints:
              web:
                address: ":80"
                http:
                  redirections:
                    entryPoint:
                      to: websecure
              websecure:
                address: ":8443"
            """, "http: {}\n");

        var router = snapshot.Status.Routers.Single(r => r.Name == "web-to-websecure@internal");
        Assert.Equal(ItemStatus.Enabled, router.Status);
        Assert.Equal(int.MaxValue - 1, router.Priority);
        Assert.Equal(["web"], router.EntryPoints);
    }

    private static RuntimeSnapshot Build(string staticYaml, string dynamicYaml)
    {
        var errors = new List<ConfigError>();
        var config = ConfigBinder.Bind<StaticConfig>(YamlConfigReader.Read(staticYaml, "static.yml", errors), string.Empty, errors);
        config = Hosting.PorticoServer.WithImplicitEntryPoints(config);
        var dynamic = DynamicConfigLoader.Load(dynamicYaml, "dynamic.yml", errors)!;
        Assert.DoesNotContain(errors, e => e.Severity == ConfigSeverity.Error);
        var builder = new SnapshotBuilder(config, new RuntimeDependencies { Forwarder = new HttpForwarder() }, InternalItems.Create(config, new RuntimeHolder(), new Lifecycle()));
        var snapshot = builder.Build([new ProviderSnapshot("file", dynamic, [])], RuntimeSnapshot.Empty);
        SnapshotBuilder.Release(snapshot);
        return snapshot;
    }
}

using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.PathRewrites;

/// <summary>stripPrefix, stripPrefixRegex, replacePath, replacePathRegex and addPrefix through a real listener and backend.</summary>
public sealed class PathRewriteTests
{
    private const string StaticYaml = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    public static TheoryData<string, string, string, string, string?> Rewrites => new()
    {
        { "stripPrefix keeps the escaping of the rest", "/strip/a%2Fb%20c?x=1", "/a%2Fb%20c?x=1", "X-Forwarded-Prefix", "/strip" },
        { "stripPrefixRegex", "/regex/v12/users", "/users", "X-Forwarded-Prefix", "/regex/v12" },
        { "replacePath", "/replace/old%20x?q=1", "/new%20path?q=1", "X-Replaced-Path", "/replace/old x" },
        { "replacePathRegex", "/rx/foo/a%20b", "/bar/a%20b", "X-Replaced-Path", "/rx/foo/a%20b" },
        { "stripPrefix then addPrefix", "/chain/x", "/v1//x", "X-Forwarded-Prefix", "/chain" },
    };

    [Theory]
    [MemberData(nameof(Rewrites))]
    public async Task TheBackendReceivesTheRewrittenTargetAsync(string scenario, string target, string expectedTarget, string header, string? headerValue)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(StaticYaml, $$"""
            http:
              routers:
                strip:
                  rule: "PathPrefix(`/strip`)"
                  service: backend
                  middlewares: [strip]
                regex:
                  rule: "PathPrefix(`/regex`)"
                  service: backend
                  middlewares: [strip-regex]
                replace:
                  rule: "PathPrefix(`/replace`)"
                  service: backend
                  middlewares: [replace]
                rx:
                  rule: "PathPrefix(`/rx`)"
                  service: backend
                  middlewares: [replace-regex]
                chain:
                  rule: "PathPrefix(`/chain`)"
                  service: backend
                  middlewares: [strip-chain, add]
              middlewares:
                strip:
                  stripPrefix:
                    prefixes: ["/strip"]
                strip-regex:
                  stripPrefixRegex:
                    regex: ["^/regex/v[0-9]+"]
                replace:
                  replacePath:
                    path: "/new%20path"
                replace-regex:
                  replacePathRegex:
                    regex: "^/rx/foo/(.*)"
                    replacement: "/bar/$1"
                strip-chain:
                  stripPrefix:
                    prefixes: ["/chain"]
                add:
                  addPrefix:
                    prefix: "/v1/"
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        using var response = await portico.SendAsync("example.com", target);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{scenario}: {(int)response.StatusCode}");
        var seen = Assert.Single(backend.Seen);
        Assert.True(expectedTarget == seen.RawTarget, $"{scenario}: backend saw {seen.RawTarget}");
        Assert.True(headerValue == (seen.Headers.TryGetValue(header, out var value) ? value : null), $"{scenario}: {header} {value}");
    }

    [Fact]
    public async Task AnInvalidRegexDisablesOnlyItsRouterAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            api:
              insecure: true
            entryPoints:
              web:
                address: "127.0.0.1:0"
              traefik:
                address: "127.0.0.1:0"
            """, $$"""
            http:
              routers:
                broken:
                  rule: "PathPrefix(`/broken`)"
                  service: backend
                  middlewares: [bad]
                fine:
                  rule: "PathPrefix(`/fine`)"
                  service: backend
              middlewares:
                bad:
                  replacePathRegex:
                    regex: "^/(?=x)"
                    replacement: "/"
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("example.com", "/broken")).Status);
        Assert.Equal(HttpStatusCode.OK, (await portico.GetAsync("example.com", "/fine")).Status);
        var middleware = await ApiClient.GetAsync(portico, "/api/http/middlewares/bad@file");
        Assert.NotNull(middleware);
        Assert.Equal("disabled", ApiClient.Status(middleware.Value));
        Assert.Contains("regex: invalid regular expression \"^/(?=x)\": look-ahead assertions are not supported", ApiClient.Errors(middleware.Value), StringComparison.Ordinal);
    }
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Routing;

/// <summary>
/// A broken router is disabled with its error visible in the API while every other router keeps serving; names are
/// qualified <c>name@provider</c> and a plain name with <c>@</c> is refused.
/// </summary>
public sealed class BrokenItemsTests : IAsyncLifetime
{
    private Backend? _backend;
    private PorticoHost? _portico;

    private PorticoHost Portico => _portico!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync(context => context.Response.WriteAsync("ok " + context.Request.Path));
        _portico = await PorticoHost.StartAsync("""
            api:
              insecure: true
            entryPoints:
              web:
                address: "127.0.0.1:0"
              traefik:
                address: "127.0.0.1:0"
            """, $"""
            http:
              routers:
                good:
                  rule: "PathPrefix(`/good`)"
                  service: backend
                qualified:
                  rule: "PathPrefix(`/qualified`)"
                  service: "backend@file"
                  middlewares: ["tag@file"]
                bad-rule:
                  rule: "PathPrefix(`/bad` &&"
                  service: backend
                missing-service:
                  rule: "PathPrefix(`/missing-service`)"
                  service: nowhere
                missing-middleware:
                  rule: "PathPrefix(`/missing-middleware`)"
                  service: backend
                  middlewares: [ghost]
                unknown-type:
                  rule: "PathPrefix(`/unknown-type`)"
                  service: backend
                  middlewares: [weird]
                "with@at":
                  rule: "PathPrefix(`/at`)"
                  service: backend
              middlewares:
                tag:
                  headers:
                    customResponseHeaders:
                      X-Tag: "yes"
                weird:
                  notAMiddleware:
                    foo: bar
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{_backend.Url}"
            """);
    }

    public async Task DisposeAsync()
    {
        await (_portico?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_backend?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    public static TheoryData<string, string, string> Broken => new()
    {
        // router, path it would serve, a fragment its error must contain
        { "bad-rule@file", "/bad", "invalid rule" },
        { "missing-service@file", "/missing-service", "nowhere@file" },
        { "missing-middleware@file", "/missing-middleware", "ghost@file" },
        { "unknown-type@file", "/unknown-type", "weird@file" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task BrokenRouterIsDisabledWithItsErrorAndOthersServeAsync(string router, string path, string errorFragment)
    {
        var item = await ApiClient.RouterAsync(Portico, router);
        Assert.Equal("disabled", ApiClient.Status(item));
        Assert.Contains(errorFragment, ApiClient.Errors(item), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Portico.GetAsync("x.test", path)).Status);
        Assert.Equal((HttpStatusCode.OK, "ok /good"), await Portico.GetAsync("x.test", "/good"));
    }

    [Fact]
    public async Task UnknownMiddlewareTypeIsReportedOnTheMiddlewareAsync()
    {
        var middleware = await ApiClient.GetAsync(Portico, "/api/http/middlewares/weird@file");
        Assert.NotNull(middleware);
        Assert.Equal("disabled", ApiClient.Status(middleware.Value));
        Assert.Contains("notAMiddleware", ApiClient.Errors(middleware.Value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplicitlyQualifiedReferencesResolveAsync()
    {
        using var response = await Portico.SendAsync("x.test", "/qualified/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Tag").Single());
        Assert.Equal("enabled", ApiClient.Status(await ApiClient.RouterAsync(Portico, "qualified@file")));
    }

    [Fact]
    public async Task NameWithAtIsRejectedAndNeverServedAsync()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Portico.GetAsync("x.test", "/at")).Status);
        Assert.DoesNotContain(Portico.Runtime.Current.Status.Routers, r => r.Name.StartsWith("with@at", StringComparison.Ordinal));
        Assert.Contains(Portico.Runtime.Current.Status.AllErrors, e => e.Message.Contains("must not contain '@'", StringComparison.Ordinal) && e.Item.Contains("with@at", StringComparison.Ordinal));
    }
}

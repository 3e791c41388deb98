using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>Weighted, mirroring and failover services in front of real backends.</summary>
public sealed class CompositeServiceTests
{
    [Fact]
    public async Task WeightedServiceSplitsByWeightAsync()
    {
        await using var a = await Backend.NamedAsync("a");
        await using var b = await Backend.NamedAsync("b");
        await using var portico = await PorticoHost.StartAsync(LoadBalancingTests.Static, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: split
              services:
                split:
                  weighted:
                    services:
                      - name: svc-a
                        weight: 3
                      - name: svc-b
                        weight: 1
                svc-a:
                  loadBalancer:
                    servers:
                      - url: "{a.Url}"
                svc-b:
                  loadBalancer:
                    servers:
                      - url: "{b.Url}"
            """);

        var names = await HealthCheckTests.NamesAsync(portico, 8);
        Assert.Equal(6, names.Count(n => n == "a"));
        Assert.Equal(2, names.Count(n => n == "b"));
    }

    [Fact]
    public async Task MirrorGetsACopyWithBodyAndASlowMirrorDoesNotDelayTheAnswerAsync()
    {
        var mirrored = Channel.CreateUnbounded<string>();
        var releaseMirror = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var main = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync("main got " + await reader.ReadToEndAsync());
        });
        await using var mirror = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await mirrored.Writer.WriteAsync(context.Request.Method + " " + context.Request.Path + " " + await reader.ReadToEndAsync());

            // The mirror stays busy until the test has its main answer: a slow mirror must not hold that answer back.
            await releaseMirror.Task;
        });
        await using var portico = await PorticoHost.StartAsync(LoadBalancingTests.Static, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: mirrored
              services:
                mirrored:
                  mirroring:
                    service: main
                    mirrors:
                      - name: shadow
                        percent: 100
                main:
                  loadBalancer:
                    servers:
                      - url: "{main.Url}"
                shadow:
                  loadBalancer:
                    servers:
                      - url: "{mirror.Url}"
            """);

        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await portico.Client.PostAsync(new Uri(portico.Url(), "/orders"), new StringContent($"payload-{i}")).WaitAsync(TimeSpan.FromSeconds(5));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal($"main got payload-{i}", await response.Content.ReadAsStringAsync());
                Assert.Equal($"POST /orders payload-{i}", await mirrored.Reader.ReadAsync().AsTask().WaitAsync(PorticoHost.Timeout));
            }
        }
        finally
        {
            releaseMirror.TrySetResult();
        }
    }

    [Fact]
    public async Task FailoverUsesTheFallbackWhileTheMainIsDownAsync()
    {
        var main = await Backend.NamedAsync("main");
        var mainUrl = main.Url;
        await using var fallback = await Backend.NamedAsync("fallback");
        await using var portico = await PorticoHost.StartAsync(LoadBalancingTests.Static, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: safe
              services:
                safe:
                  failover:
                    service: primary
                    fallback: backup
                primary:
                  loadBalancer:
                    healthCheck:
                      path: /health
                      interval: 100ms
                      timeout: 5s
                    servers:
                      - url: "{mainUrl}"
                backup:
                  loadBalancer:
                    servers:
                      - url: "{fallback.Url}"
            """);

        Assert.Equal((HttpStatusCode.OK, "main"), await portico.GetAsync("x.test", "/"));
        await main.DisposeAsync();
        await ServerHealth.WaitAsync(portico, "primary@file", mainUrl, healthy: false);
        Assert.Equal((HttpStatusCode.OK, "fallback"), await portico.GetAsync("x.test", "/"));

        await using var back = await Backend.NamedAsync("main-again", mainUrl.Port);
        await ServerHealth.WaitAsync(portico, "primary@file", mainUrl, healthy: true);
        Assert.Equal((HttpStatusCode.OK, "main-again"), await portico.GetAsync("x.test", "/"));
    }

    [Fact]
    public async Task FailoverReplaysOnTheFallbackWhenTheMainAnswersAListedStatusAsync()
    {
        await using var main = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            context.Response.StatusCode = body == "fail" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            await context.Response.WriteAsync("main says " + body);
        });
        await using var fallback = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync("fallback got " + await reader.ReadToEndAsync());
        });
        await using var portico = await PorticoHost.StartAsync(LoadBalancingTests.Static, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: safe
              services:
                safe:
                  failover:
                    service: primary
                    fallback: backup
                    errors:
                      status: ["500-599"]
                primary:
                  loadBalancer:
                    servers:
                      - url: "{main.Url}"
                backup:
                  loadBalancer:
                    servers:
                      - url: "{fallback.Url}"
            """);

        Assert.Equal((HttpStatusCode.OK, "main says ok"), await PostAsync(portico, "ok"));
        Assert.Equal((HttpStatusCode.OK, "fallback got fail"), await PostAsync(portico, "fail"));
    }

    private static async Task<(HttpStatusCode, string)> PostAsync(PorticoHost portico, string body)
    {
        using var response = await portico.Client.PostAsync(portico.Url(), new StringContent(body, Encoding.UTF8)).WaitAsync(PorticoHost.Timeout);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

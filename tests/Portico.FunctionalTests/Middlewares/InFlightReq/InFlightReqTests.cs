using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.InFlightReq;

/// <summary>inFlightReq through a real listener: the excess gets 429 while the first request is in flight, not after.</summary>
public sealed class InFlightReqTests
{
    [Fact]
    public async Task RefusesTheExcessWhileRequestsAreInFlightAsync()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            if (context.Request.Path == "/slow")
            {
                arrived.TrySetResult();
                await release.Task;
            }

            await context.Response.WriteAsync("done");
        });
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $$"""
            http:
              routers:
                limited: { rule: "PathPrefix(`/`)", service: backend, middlewares: [one-at-a-time] }
              middlewares:
                one-at-a-time:
                  inFlightReq: { amount: 1 }
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        var slow = portico.Client.GetAsync(new Uri(portico.Url(), "/slow"));
        await arrived.Task.WaitAsync(PorticoHost.Timeout);
        using var refused = await portico.Client.GetAsync(new Uri(portico.Url(), "/fast")).WaitAsync(PorticoHost.Timeout);
        release.SetResult();
        using var first = await slow.WaitAsync(PorticoHost.Timeout);
        using var after = await portico.Client.GetAsync(new Uri(portico.Url(), "/fast")).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("Too Many Requests", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}

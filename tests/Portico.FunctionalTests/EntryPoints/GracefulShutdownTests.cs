using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// Graceful shutdown as Traefik does it: ping turns to <c>ping.terminatingStatusCode</c> at once, the entry points keep
/// accepting for <c>requestAcceptGraceTimeout</c> (on the injected clock here), then stop accepting, and in-flight
/// requests get <c>graceTimeOut</c> to finish. Disposing a <see cref="PorticoHost"/> runs exactly that shutdown.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task PingTerminatesAcceptGraceServesNewRequestsAndInFlightRequestsFinishAsync()
    {
        var time = new FakeTimeProvider();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            if (context.Request.Path == "/slow")
            {
                entered.TrySetResult();
                await release.Task;
            }

            await context.Response.WriteAsync("done " + context.Request.Path);
        });
        var portico = await StartAsync(backend, "{ requestAcceptGraceTimeout: 10s, graceTimeOut: 10s }", time);
        var web = portico.Url();
        var traefik = portico.Url("traefik");
        using var client = NewClient();

        Assert.Equal((HttpStatusCode.OK, "OK"), await GetAsync(client, new Uri(traefik, "/ping")));
        var inFlight = client.GetAsync(new Uri(web, "/slow"));
        await entered.Task.WaitAsync(PorticoHost.Timeout);

        // Shutdown begins: ping answers 503 at once, while the entry points still accept during the accept grace.
        var stopping = portico.DisposeAsync().AsTask();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Terminating"), await GetAsync(NewClient(), new Uri(traefik, "/ping")));
        Assert.Equal((HttpStatusCode.OK, "done /fast"), await GetAsync(NewClient(), new Uri(web, "/fast")));
        Assert.False(stopping.IsCompleted);

        // The accept grace ends: the in-flight request still finishes, then the router is gone.
        time.Advance(TimeSpan.FromSeconds(10));
        release.SetResult();
        using (var response = await inFlight.WaitAsync(PorticoHost.Timeout))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("done /slow", await response.Content.ReadAsStringAsync());
        }

        await stopping.WaitAsync(PorticoHost.Timeout);
        await AssertRefusedAsync(web);
    }

    [Fact]
    public async Task InFlightRequestsBeyondGraceTimeOutAreCutAsync()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            entered.TrySetResult();
            await release.Task;
            await context.Response.WriteAsync("too late");
        });
        var portico = await StartAsync(backend, "{ graceTimeOut: 1s }");
        var web = portico.Url();
        using var client = NewClient();
        var inFlight = client.GetAsync(new Uri(web, "/slow"));
        await entered.Task.WaitAsync(PorticoHost.Timeout);

        var started = TimeProvider.System.GetTimestamp();
        await portico.DisposeAsync().AsTask().WaitAsync(PorticoHost.Timeout);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        release.SetResult();

        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => inFlight.WaitAsync(PorticoHost.Timeout));
        await AssertRefusedAsync(web);
    }

    private static Task<PorticoHost> StartAsync(Backend backend, string lifeCycle, TimeProvider? time = null) =>
        PorticoHost.StartAsync(
            $"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                transport:
                  lifeCycle: {lifeCycle}
              traefik:
                address: "127.0.0.1:0"
            ping:
              terminatingStatusCode: 503
            """,
            $"""
            http:
              routers:
                all:
                  rule: "PathPrefix(`/`)"
                  entryPoints: [web]
                  service: backend
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """,
            time: time);

    private static HttpClient NewClient() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = PorticoHost.Timeout };

    private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url).WaitAsync(PorticoHost.Timeout);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertRefusedAsync(Uri url)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, url.Port).WaitAsync(PorticoHost.Timeout));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }
}

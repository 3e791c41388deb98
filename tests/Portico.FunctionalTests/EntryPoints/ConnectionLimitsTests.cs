using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// The entry point's connection limits: <c>transport.respondingTimeouts.readTimeout</c> and <c>idleTimeout</c>
/// (real timeouts of one second under test, so the tests wait for them and bound when the close came; Kestrel checks
/// its timeouts on a one-second heartbeat, hence the generous upper bound), and <c>keepAliveMaxRequests</c> /
/// <c>keepAliveMaxTime</c> (the latter on a manual clock).
/// </summary>
public sealed class ConnectionLimitsTests
{
    private static readonly TimeSpan Earliest = TimeSpan.FromMilliseconds(900);
    private static readonly TimeSpan Latest = TimeSpan.FromSeconds(5);

    public static TheoryData<string, string> SlowClients => new()
    {
        { "connects and sends nothing", string.Empty },
        { "sends half a request line", "GET /ok HT" },
        { "never finishes the headers", "GET /ok HTTP/1.1\r\nHost: a.test\r\nX-Slow: " },
        { "starts a TLS handshake and stalls", "\u0016\u0003\u0001\u0000" },
    };

    [Theory]
    [MemberData(nameof(SlowClients))]
    public async Task ReadTimeoutClosesASlowClientAsync(string scenario, string sent)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, "respondingTimeouts:\n        readTimeout: 1s");

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        if (sent.Length > 0)
        {
            await client.SendAsync(sent);
        }

        var result = await client.ReadUntilCloseAsync(PorticoHost.Timeout);

        Assert.True(result.Closed, $"{scenario}: still open after {result.Elapsed}");
        Assert.InRange(result.Elapsed, Earliest, Latest);
        Assert.Empty(backend.Seen);
    }

    /// <summary>
    /// The read timeout bounds the whole head, not the silence between bytes: a client that keeps dribbling bytes is
    /// cut off one timeout after it started. The test plays that client, so here a real pause is the point.
    /// </summary>
    [Fact]
    public async Task ReadTimeoutBoundsTheWholeHeadNotTheGapsAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, "respondingTimeouts:\n        readTimeout: 1s");

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        var started = TimeProvider.System.GetTimestamp();
        await client.SendAsync("GET /ok HTTP/1.1\r\n");
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            await client.SendAsync($"X-Drip-{i}: {i}\r\n");
        }

        var result = await client.ReadUntilCloseAsync(PorticoHost.Timeout);
        Assert.True(result.Closed);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), Earliest, Latest);
        Assert.Empty(backend.Seen);
    }

    /// <summary>
    /// After a response, an HTTP/1.1 connection is idle; so is an HTTP/2 connection once its preface is in (HTTP/2 has
    /// no request head to time, so readTimeout does not apply to it). Both are closed by idleTimeout.
    /// </summary>
    [Theory]
    [InlineData("HTTP/1.1 after a response", "GET /ok HTTP/1.1\r\nHost: a.test\r\n\r\n")]
    [InlineData("h2c after the preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    public async Task IdleTimeoutClosesAnIdleConnectionAsync(string scenario, string sent)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, "respondingTimeouts:\n        idleTimeout: 1s");

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync(sent);
        if (sent.StartsWith("GET", StringComparison.Ordinal))
        {
            Assert.StartsWith("HTTP/1.1 200", await client.ReadHeadsAsync(), StringComparison.Ordinal);
        }

        var result = await client.ReadUntilCloseAsync(PorticoHost.Timeout);
        Assert.True(result.Closed, $"{scenario}: still open after {result.Elapsed}");
        Assert.InRange(result.Elapsed, Earliest, Latest);
    }

    [Fact]
    public async Task KeepAliveMaxRequestsClosesAfterTheLastAllowedResponseAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, "keepAliveMaxRequests: 3");

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        for (var i = 1; i <= 3; i++)
        {
            await client.SendAsync($"GET /{i} HTTP/1.1\r\nHost: a.test\r\n\r\n");
            var heads = await client.ReadHeadsAsync(i);
            var head = heads[heads.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal)..];
            Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
            Assert.True(i == 3 == head.Contains("Connection: close", StringComparison.OrdinalIgnoreCase), $"response {i}:\n{head}");
        }

        var result = await client.ReadUntilCloseAsync(PorticoHost.Timeout);
        Assert.True(result.Closed, "the connection stayed open after the third response");
        Assert.Equal(3, backend.Seen.Count);
    }

    [Fact]
    public async Task KeepAliveMaxTimeClosesAConnectionThatLivedLongEnoughAsync()
    {
        var time = new FakeTimeProvider();
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, "keepAliveMaxTime: 10s", time);

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync("GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.DoesNotContain("Connection: close", await client.ReadHeadsAsync(1), StringComparison.OrdinalIgnoreCase);

        time.Advance(TimeSpan.FromSeconds(9));
        await client.SendAsync("GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n");
        var second = await client.ReadHeadsAsync(2);
        Assert.DoesNotContain("Connection: close", second, StringComparison.OrdinalIgnoreCase);

        time.Advance(TimeSpan.FromSeconds(1));
        await client.SendAsync("GET /3 HTTP/1.1\r\nHost: a.test\r\n\r\n");
        var third = await client.ReadHeadsAsync(3);
        Assert.Contains("Connection: close", third[second.Length..], StringComparison.OrdinalIgnoreCase);
        Assert.True((await client.ReadUntilCloseAsync(PorticoHost.Timeout)).Closed);
    }

    /// <summary>
    /// Go's ReadTimeout, which Traefik's readTimeout is, covers the request body too. A client that announces a body
    /// and stops sending it must not hold the connection (and a backend request) open forever. The body deadline runs
    /// on the injected clock, so the test moves time instead of waiting.
    /// </summary>
    [Fact]
    public async Task ReadTimeoutAbortsAClientThatStallsInTheBodyAsync()
    {
        var time = new FakeTimeProvider();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            entered.TrySetResult();
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            await context.Response.WriteAsync("read it all");
        });
        await using var portico = await StartAsync(backend.Url, "respondingTimeouts:\n        readTimeout: 1s", time);

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 100\r\n\r\nonly ten..");
        await entered.Task.WaitAsync(PorticoHost.Timeout);
        time.Advance(TimeSpan.FromMilliseconds(999));
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await client.ReadUntilCloseAsync(PorticoHost.Timeout);

        Assert.True(result.Closed, "a stalled upload kept the connection open");
        Assert.DoesNotContain("read it all", result.Text, StringComparison.Ordinal);
    }

    /// <summary>Once the body has been read, the read timeout no longer applies: a slow backend answer is not cut.</summary>
    [Fact]
    public async Task ReadTimeoutDoesNotCutARequestWhoseBodyArrivedInTimeAsync()
    {
        var time = new FakeTimeProvider();
        var bodyRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            bodyRead.TrySetResult();
            await answer.Task;
            await context.Response.WriteAsync("got " + body);
        });
        await using var portico = await StartAsync(backend.Url, "respondingTimeouts:\n        readTimeout: 1s", time);

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody");
        await bodyRead.Task.WaitAsync(PorticoHost.Timeout);
        time.Advance(TimeSpan.FromSeconds(5));
        answer.SetResult();
        var result = await client.ReadUntilCloseAsync(PorticoHost.Timeout);

        Assert.Equal([200], result.Statuses);
        Assert.EndsWith("got body", result.Text.TrimEnd('\r', '\n', '0'), StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>writeTimeout</c> is Go's WriteTimeout: the response must be written within it. A client that stops reading a
    /// large response is cut off at the deadline (on the injected clock here), and what it reads afterwards is what was
    /// already buffered, then the end of the connection.
    /// </summary>
    [Fact]
    public async Task WriteTimeoutCutsAResponseStillRunningAtTheDeadlineAsync()
    {
        var time = new FakeTimeProvider();
        await using var backend = await Backend.StartAsync(async context =>
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 4096 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        await using var portico = await StartAsync(backend.Url, "respondingTimeouts:\n        writeTimeout: 10s", time);

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync("GET /big HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", await client.ReadHeadsAsync(), StringComparison.Ordinal);
        time.Advance(TimeSpan.FromSeconds(10));

        var (closed, bytes) = await client.DrainAsync(limit: 128L << 20, PorticoHost.Timeout);
        Assert.True(closed, $"the response outlived writeTimeout ({bytes} bytes read afterwards)");
        Assert.True(bytes < 128L << 20, $"the whole response arrived ({bytes} bytes)");
    }

    /// <summary>Each finished request releases its deadline: nothing is left armed to cut a later request.</summary>
    [Fact]
    public async Task WriteTimeoutDeadlinesEndWithTheirRequestsAsync()
    {
        var time = new FakeTimeProvider();
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, "respondingTimeouts:\n        writeTimeout: 10s", time);
        var baseline = time.ActiveTimers;

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync("GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\nGET /2 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        var result = await client.ReadUntilCloseAsync(PorticoHost.Timeout);

        // The server closes only after the last request completed, and a request's deadline ends with it.
        Assert.Equal([200, 200], result.Statuses);
        Assert.Equal(baseline, time.ActiveTimers);
    }

    private static Task<PorticoHost> StartAsync(RecordingBackend backend, string transport, TimeProvider? time = null) =>
        StartAsync(backend.Url, transport, time);

    private static Task<PorticoHost> StartAsync(Uri backend, string transport, TimeProvider? time = null) =>
        PorticoHost.StartAsync(
            $"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                transport:
                  {transport}
            """,
            $"""
            http:
              routers:
                all:
                  rule: "PathPrefix(`/`)"
                  service: backend
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend}"
            """,
            time: time);
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.Retry;

/// <summary>The retry middleware in front of real Kestrel backends: which failures are retried, and the budget.</summary>
public sealed class RetryTests
{
    private const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    [Fact]
    public async Task ARefusedServerIsRetriedOnTheNextOneAsync()
    {
        await using var good = await Backend.NamedAsync("good");
        await using var portico = await PorticoHost.StartAsync(Static, Config(
            "attempts: 2",
            $"http://127.0.0.1:{FreePort.Get()}",
            good.Url.ToString()));

        // Round robin sends every other first attempt to the refused server; the retry goes to the good one.
        for (var i = 0; i < 6; i++)
        {
            using var response = await portico.Client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("good", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(6, good.Requests);
    }

    [Theory]
    [InlineData("without status a 503 answer is final", "attempts: 3", "GET", 1, 503)]
    [InlineData("a listed status is retried until the last attempt", "attempts: 3\n          status: [\"500-599\"]", "GET", 3, 503)]
    [InlineData("a status outside the ranges is final", "attempts: 3\n          status: [\"500-502\"]", "GET", 1, 503)]
    [InlineData("POST is not retried on status", "attempts: 3\n          status: [\"500-599\"]", "POST", 1, 503)]
    [InlineData("retryNonIdempotentMethod retries POST", "attempts: 3\n          status: [\"503\"]\n          retryNonIdempotentMethod: true", "POST", 3, 503)]
    public async Task StatusRetriesFollowTheOptionsAsync(string scenario, string options, string method, int expectedRequests, int expectedStatus)
    {
        var bodies = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var failing = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            bodies.Enqueue(await reader.ReadToEndAsync(context.RequestAborted));
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("down");
        });
        await using var portico = await PorticoHost.StartAsync(Static, Config(options, failing.Url.ToString()));

        using var request = new HttpRequestMessage(new HttpMethod(method), portico.Url());
        if (method == "POST")
        {
            request.Content = new StringContent("the payload");
        }

        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal("down", await response.Content.ReadAsStringAsync());
        Assert.True(expectedRequests == failing.Requests, $"{scenario}: the backend saw {failing.Requests} requests");
        if (method == "POST")
        {
            Assert.All(bodies, body => Assert.Equal("the payload", body));
        }
    }

    [Fact]
    public async Task AnAnswerThatReachedTheClientIsNeverRetriedAsync()
    {
        // The backend resets only once the client has the status and the first bytes, so the failure is surely mid-body.
        var clientHasFirstBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var breaking = await Backend.StartAsync(async context =>
        {
            context.Response.ContentLength = 100_000;
            await context.Response.Body.WriteAsync(new byte[1000]);
            await context.Response.Body.FlushAsync();
            await clientHasFirstBytes.Task.WaitAsync(PorticoHost.Timeout);
            context.Abort();
        });
        await using var portico = await PorticoHost.StartAsync(Static, Config("attempts: 3\n          status: [\"500-599\"]", breaking.Url.ToString()));

        using var response = await portico.Client.GetAsync(portico.Url(), HttpCompletionOption.ResponseHeadersRead).WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.ReadExactlyAsync(new byte[1000]).AsTask().WaitAsync(PorticoHost.Timeout);
        clientHasFirstBytes.SetResult();
        var ex = await Record.ExceptionAsync(() => body.CopyToAsync(Stream.Null).WaitAsync(PorticoHost.Timeout));

        Assert.True(ex is IOException or HttpRequestException, $"expected an aborted body, got {ex?.GetType().Name ?? "a complete body"}");
        Assert.Equal(1, breaking.Requests);
    }

    [Fact]
    public async Task RetriesStayWithinTheBudgetAsync()
    {
        var time = new FakeTimeProvider();
        await using var failing = await Backend.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        await using var portico = await PorticoHost.StartAsync(Static, Config(
            "attempts: 3\n          status: [\"503\"]\n          budget:\n            ratio: 0.5\n            minRetriesPerSecond: 0",
            failing.Url.ToString()), time: time);

        // Ratio 0.5 with no floor: over ten requests at most five retries, whatever the attempts allow (twenty).
        for (var i = 0; i < 10; i++)
        {
            using var response = await portico.Client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(15, failing.Requests);

        // Once the window has slid past those requests, new requests earn new retries only in proportion.
        time.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 2; i++)
        {
            using var response = await portico.Client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
        }

        Assert.Equal(15 + 2 + 1, failing.Requests);
    }

    private static string Config(string retryOptions, params string[] servers) => $"""
        http:
          routers:
            all:
              rule: "PathPrefix(`/`)"
              service: backend
              middlewares: [retry]
          middlewares:
            retry:
              retry:
                {retryOptions.Replace("\n          ", "\n        ", StringComparison.Ordinal)}
          services:
            backend:
              loadBalancer:
                servers:
        {string.Join("\n", servers.Select(s => $"          - url: \"{s}\""))}
        """;
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>Backend failures become the right status, or an aborted response once the status was sent.</summary>
public sealed class BackendErrorTests
{
    [Fact]
    public async Task ConnectionRefusedIs502Async()
    {
        await using var portico = await SingleRoute.StartAsync($"http://127.0.0.1:{FreePort.Get()}");
        Assert.Equal(HttpStatusCode.BadGateway, (await portico.GetAsync("x.test", "/")).Status);
    }

    [Fact]
    public async Task ResponseHeaderTimeoutIs504Async()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("too late");
        });
        await using var portico = await SingleRoute.StartAsync(backend.Url.ToString(), "forwardingTimeouts: {responseHeaderTimeout: 200ms}");
        try
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, (await portico.GetAsync("x.test", "/")).Status);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task BackendResetMidBodyAbortsTheClientResponseAsync()
    {
        // The backend resets only once the client has the status and the first bytes, so the reset is surely mid-body.
        var clientHasFirstBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            context.Response.ContentLength = 100_000;
            await context.Response.Body.WriteAsync(new byte[1000]);
            await context.Response.Body.FlushAsync();
            await clientHasFirstBytes.Task.WaitAsync(PorticoHost.Timeout);
            context.Abort();
        });
        await using var portico = await SingleRoute.StartAsync(backend.Url.ToString());

        using var response = await portico.Client.GetAsync(portico.Url(), HttpCompletionOption.ResponseHeadersRead).WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.ReadExactlyAsync(new byte[1000]).AsTask().WaitAsync(PorticoHost.Timeout);
        clientHasFirstBytes.SetResult();
        var ex = await Record.ExceptionAsync(() => body.CopyToAsync(Stream.Null).WaitAsync(PorticoHost.Timeout));
        Assert.True(ex is IOException or HttpRequestException, $"expected an aborted body, got {ex?.GetType().Name ?? "a complete body"}");
    }
}

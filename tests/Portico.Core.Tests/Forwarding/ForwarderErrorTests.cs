using System.Net;
using System.Net.Sockets;
using System.Text;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class ForwarderErrorTests
{
    private static readonly TimeSpan s_timeout = KestrelHost.Timeout;

    [Fact]
    public async Task ConnectionRefused_Is502Connect()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var proxy = await ProxyHost.StartAsync(new Uri($"http://127.0.0.1:{port}"));
        using var client = new HttpClient();

        using var response = await client.GetAsync(proxy.Url).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(ProxyError.Connect, await proxy.NextErrorAsync());
    }

    [Fact]
    public async Task ResponseHeaderTimeout_Is504()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            received.SetResult();
            await release.Task;
        });
        var time = new FakeTimeProvider();
        await using var proxy = await ProxyHost.StartAsync(
            backend.Url, new ForwarderOptions { ResponseHeaderTimeout = TimeSpan.FromSeconds(5) }, timeProvider: time);
        using var client = new HttpClient();

        var pending = client.GetAsync(proxy.Url);
        await received.Task.WaitAsync(s_timeout);
        time.Advance(TimeSpan.FromSeconds(5));
        using var response = await pending.WaitAsync(s_timeout);
        release.SetResult();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(ProxyError.Timeout, await proxy.NextErrorAsync());
    }

    [Theory]
    [InlineData("garbage status line", "HELLO WORLD\r\n\r\n", ProxyError.ResponseHeaders)]
    [InlineData("conflicting Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", ProxyError.ResponseHeaders)]
    [InlineData("closed before answering", "", ProxyError.Request)]
    [InlineData("invalid chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", ProxyError.ResponseBodyDestination)]
    public async Task MalformedResponse_Is502(string scenario, string raw, ProxyError expected)
    {
        _ = scenario;
        await using var backend = new RawBackend(Encoding.ASCII.GetBytes(raw));
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient();

        using var response = await client.GetAsync(proxy.Url).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(expected, await proxy.NextErrorAsync());
    }

    [Fact]
    public async Task ServerClosingMidBody_AbortsTheClientResponse()
    {
        var firstBytesRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            context.Response.ContentLength = 1000;
            await context.Response.Body.WriteAsync(new byte[10]);
            await context.Response.Body.FlushAsync();
            await firstBytesRead.Task;
            context.Abort();
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient();

        using var response = await client.GetAsync(proxy.Url, HttpCompletionOption.ResponseHeadersRead).WaitAsync(s_timeout);
        await using var stream = await response.Content.ReadAsStreamAsync().WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stream.ReadExactlyAsync(new byte[10]).AsTask().WaitAsync(s_timeout);
        firstBytesRead.SetResult();

        await Assert.ThrowsAnyAsync<IOException>(() => stream.ReadAsync(new byte[1000]).AsTask().WaitAsync(s_timeout));
        Assert.Equal(ProxyError.ResponseBodyDestination, await proxy.NextErrorAsync());
    }

    [Fact]
    public async Task ClientAbort_IsRequestCanceled()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            received.SetResult();
            var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
            await aborted.Task;
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient();
        using var cancel = new CancellationTokenSource();

        var pending = client.GetAsync(proxy.Url, cancel.Token);
        await received.Task.WaitAsync(s_timeout);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(s_timeout));
        Assert.Equal(ProxyError.RequestCanceled, await proxy.NextErrorAsync());
    }
}

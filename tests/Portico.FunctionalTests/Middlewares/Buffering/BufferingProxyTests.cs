using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.Buffering;

/// <summary><c>buffering</c> through a real listener: limits, framing seen by the backend, and retries.</summary>
public sealed class BufferingProxyTests
{
    [Fact]
    public async Task LargeRequestsAreRefusedAndOthersArriveWithAContentLengthAsync()
    {
        await using var backend = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            await context.Response.WriteAsync($"{context.Request.ContentLength}:{context.Request.Headers.TransferEncoding}:{body.Length}");
        });
        await using var portico = await StartAsync(backend, "buffering: {maxRequestBodyBytes: 4096, memRequestBodyBytes: 100}");

        // A chunked upload (no declared length) that fits is forwarded whole, framed by Content-Length.
        using (var fits = new HttpRequestMessage(HttpMethod.Post, new Uri(portico.Url(), "/")) { Content = new StreamContent(new ChunkedStream(new byte[4000])) })
        using (var response = await portico.Client.SendAsync(fits).WaitAsync(PorticoHost.Timeout))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("4000::4000", await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
        }

        using (var tooLarge = new HttpRequestMessage(HttpMethod.Post, new Uri(portico.Url(), "/")) { Content = new ByteArrayContent(new byte[5000]) })
        using (var response = await portico.Client.SendAsync(tooLarge).WaitAsync(PorticoHost.Timeout))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        Assert.Equal(1, backend.Requests);
    }

    [Fact]
    public async Task ResponsesPastTheMaximumBecome500Async()
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(new string('r', context.Request.Path == "/big" ? 3000 : 10)));
        await using var portico = await StartAsync(backend, "buffering: {maxResponseBodyBytes: 2048}");

        Assert.Equal((HttpStatusCode.OK, new string('r', 10)), await portico.GetAsync("buffer.example", "/small"));
        Assert.Equal(HttpStatusCode.InternalServerError, (await portico.GetAsync("buffer.example", "/big")).Status);
    }

    [Fact]
    public async Task NetworkErrorsAreRetriedWithTheSameBodyAsync()
    {
        var calls = 0;
        await using var backend = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 502 : 200;
            await context.Response.WriteAsync($"attempt {calls}: {body}");
        });
        await using var portico = await StartAsync(backend, "buffering: {retryExpression: \"IsNetworkError() && Attempts() < 2\"}");

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portico.Url(), "/")) { Content = new StringContent("hello") };
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attempt 2: hello", await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
        Assert.Equal(2, backend.Requests);
    }

    private static Task<PorticoHost> StartAsync(Backend backend, string middleware) => PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n", $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: backend
              middlewares: [mw]
          middlewares:
            mw:
              {middleware}
          services:
            backend:
              loadBalancer:
                servers:
                  - url: "{backend.Url}"
        """);

    /// <summary>A stream of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>
/// Streaming in both directions. Each test uses a handshake: one side waits until the other has seen the first bytes
/// before it sends the rest, which can only complete if the proxy forwards data as it arrives instead of buffering.
/// </summary>
public sealed class StreamingTests
{
    private const int Chunk = 64 * 1024;
    private const long Total = 64L * 1024 * 1024;

    [Fact]
    public async Task ServerSentEventsArriveOneByOneAsync()
    {
        var acknowledged = new SemaphoreSlim(0);
        await using var backend = await Backend.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 1; i <= 3; i++)
            {
                await context.Response.WriteAsync($"data: event-{i}\n\n");
                await context.Response.Body.FlushAsync();
                await acknowledged.WaitAsync(PorticoHost.Timeout);
            }
        });
        await using var portico = await SingleRoute.StartAsync(backend.Url.ToString());

        using var response = await portico.Client.GetAsync(portico.Url(), HttpCompletionOption.ResponseHeadersRead).WaitAsync(PorticoHost.Timeout);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal($"data: event-{i}", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
            acknowledged.Release();
        }

        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task LargeUploadIsStreamedToTheBackendAsync()
    {
        var backendSawFirstBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            var buffer = new byte[Chunk];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
                backendSawFirstBytes.TrySetResult();
            }

            await context.Response.WriteAsync(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        await using var portico = await SingleRoute.StartAsync(backend.Url.ToString());

        var content = new HandshakeContent(Total, backendSawFirstBytes.Task);
        using var response = await portico.Client.PostAsync(portico.Url(), content).WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Total.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LargeDownloadIsStreamedToTheClientAsync()
    {
        var clientSawFirstBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            context.Response.ContentLength = Total;
            var buffer = new byte[Chunk];
            await context.Response.Body.WriteAsync(buffer);
            await context.Response.Body.FlushAsync();
            await clientSawFirstBytes.Task.WaitAsync(PorticoHost.Timeout);
            for (var sent = (long)Chunk; sent < Total; sent += Chunk)
            {
                await context.Response.Body.WriteAsync(buffer);
            }
        });
        await using var portico = await SingleRoute.StartAsync(backend.Url.ToString());

        using var response = await portico.Client.GetAsync(portico.Url(), HttpCompletionOption.ResponseHeadersRead).WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[Chunk];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer).AsTask().WaitAsync(PorticoHost.Timeout)) > 0)
        {
            total += read;
            clientSawFirstBytes.TrySetResult();
        }

        Assert.Equal(Total, total);
    }

    /// <summary>A request body that sends one chunk, waits for the signal, then sends the rest.</summary>
    private sealed class HandshakeContent(long length, Task firstBytesSeen) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var buffer = new byte[Chunk];
            await stream.WriteAsync(buffer);
            await stream.FlushAsync();
            await firstBytesSeen.WaitAsync(PorticoHost.Timeout);
            for (var sent = (long)Chunk; sent < length; sent += Chunk)
            {
                await stream.WriteAsync(buffer);
            }
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class ForwarderStreamingTests
{
    private const int LargeSize = 64 * 1024 * 1024;
    private const int FirstPart = 1024 * 1024;
    private static readonly TimeSpan s_timeout = KestrelHost.Timeout;

    /// <summary>The client sends 1 MiB and waits until the backend has seen it: a buffering proxy would deadlock.</summary>
    [Fact]
    public async Task LargeUpload_IsStreamed()
    {
        var firstBytesSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int count;
            while ((count = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += count;
                if (total >= FirstPart)
                {
                    firstBytesSeen.TrySetResult();
                }
            }

            await context.Response.WriteAsync(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient { Timeout = s_timeout };

        using var response = await client.PostAsync(proxy.Url, new GatedContent(LargeSize, FirstPart, firstBytesSeen.Task)).WaitAsync(s_timeout);

        Assert.Equal(LargeSize.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync().WaitAsync(s_timeout));
    }

    /// <summary>The backend sends 1 MiB and waits until the client has read it: a buffering proxy would deadlock.</summary>
    [Fact]
    public async Task LargeDownload_IsStreamed()
    {
        var clientRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            context.Response.ContentLength = LargeSize;
            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent < LargeSize; sent += chunk.Length)
            {
                if (sent == FirstPart)
                {
                    await clientRead.Task;
                }

                await context.Response.Body.WriteAsync(chunk);
            }
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient { Timeout = s_timeout };

        using var response = await client.GetAsync(proxy.Url, HttpCompletionOption.ResponseHeadersRead).WaitAsync(s_timeout);
        await using var stream = await response.Content.ReadAsStreamAsync().WaitAsync(s_timeout);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int count;
        while ((count = await stream.ReadAsync(buffer).AsTask().WaitAsync(s_timeout)) > 0)
        {
            total += count;
            if (total >= FirstPart)
            {
                clientRead.TrySetResult();
            }
        }

        Assert.Equal(LargeSize, total);
    }

    [Fact]
    public async Task ServerSentEvents_EachEventArrivesBeforeTheBackendFinishes()
    {
        var firstEventRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: one\n\n");
            await context.Response.Body.FlushAsync();
            await firstEventRead.Task;
            await context.Response.WriteAsync("data: two\n\n");
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url, new ForwarderOptions { FlushInterval = TimeSpan.FromHours(1) });
        using var client = new HttpClient { Timeout = s_timeout };

        using var response = await client.GetAsync(proxy.Url, HttpCompletionOption.ResponseHeadersRead).WaitAsync(s_timeout);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync().WaitAsync(s_timeout));
        Assert.Equal("data: one", await reader.ReadLineAsync().WaitAsync(s_timeout));
        firstEventRead.SetResult();
        Assert.Equal("", await reader.ReadLineAsync().WaitAsync(s_timeout));
        Assert.Equal("data: two", await reader.ReadLineAsync().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task H2cServer_IsReachedOverHttp2()
    {
        await using var backend = await KestrelHost.StartAsync(context => context.Response.WriteAsync(context.Request.Protocol), HttpProtocols.Http2);
        await using var proxy = await ProxyHost.StartAsync(new Uri($"h2c://127.0.0.1:{backend.Port}"));
        using var client = new HttpClient();

        Assert.Equal("HTTP/2", await client.GetStringAsync(proxy.Url).WaitAsync(s_timeout));
    }

    [Theory]
    [InlineData("unary over h2c", "h2c", 1)]
    [InlineData("server streaming to an http:// URL", "http", 3)]
    public async Task Grpc_MessagesAndStatusTrailerReachTheClient(string scenario, string scheme, int messages)
    {
        _ = scenario;
        var messageRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            var request = await ReadGrpcMessageAsync(context.Request.Body);
            context.Response.ContentType = "application/grpc";
            for (var i = 0; i < messages; i++)
            {
                await context.Response.Body.WriteAsync(GrpcFrame($"{request}#{i}"));
                await context.Response.Body.FlushAsync();
                if (i == 0 && messages > 1)
                {
                    // The second message is only sent once the client got the first: the stream is not buffered.
                    await messageRead.Task;
                }
            }

            context.Response.AppendTrailer("grpc-status", "0");
            context.Response.AppendTrailer("grpc-message", "done");
        }, HttpProtocols.Http2);
        await using var proxy = await ProxyHost.StartAsync(new Uri($"{scheme}://127.0.0.1:{backend.Port}"), protocols: HttpProtocols.Http2);
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy.Url, "/pkg.Service/Method")) { Content = new ByteArrayContent(GrpcFrame("hi")), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TE.ParseAdd("trailers");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(s_timeout);
        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join(" ", response.Headers.NonValidated.Select(h => h.Key + "=" + h.Value)));
        await using var stream = await response.Content.ReadAsStreamAsync().WaitAsync(s_timeout);
        for (var i = 0; i < messages; i++)
        {
            Assert.Equal($"hi#{i}", await ReadGrpcMessageAsync(stream));
            messageRead.TrySetResult();
        }

        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(s_timeout));
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal("done", response.TrailingHeaders.GetValues("grpc-message").Single());
    }

    private static byte[] GrpcFrame(string message)
    {
        var payload = Encoding.UTF8.GetBytes(message);
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    private static async Task<string> ReadGrpcMessageAsync(Stream stream)
    {
        var prefix = new byte[5];
        await stream.ReadExactlyAsync(prefix).AsTask().WaitAsync(s_timeout);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1))];
        await stream.ReadExactlyAsync(payload).AsTask().WaitAsync(s_timeout);
        return Encoding.UTF8.GetString(payload);
    }

    /// <summary>Sends <c>size</c> bytes of content, pausing after <c>firstPart</c> bytes until <c>gate</c> completes.</summary>
    private sealed class GatedContent(long size, int firstPart, Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (long sent = 0; sent < size; sent += chunk.Length)
            {
                if (sent == firstPart)
                {
                    await stream.FlushAsync();
                    await gate.WaitAsync(s_timeout);
                }

                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }
    }
}

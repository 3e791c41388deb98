using System.Buffers.Binary;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>WebSocket and gRPC (h2c, hand-built framing, trailers, server streaming) through the proxy.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public async Task WebSocketEchoesThroughTheProxyAsync()
    {
        await using var backend = await Backend.StartAsync(async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        }, webSockets: true);
        await using var portico = await SingleRoute.StartAsync(backend.Url.ToString());

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{portico.Url().Port}/ws"), CancellationToken.None).WaitAsync(PorticoHost.Timeout);
        var buffer = new byte[1024];
        foreach (var text in new[] { "hello", "through", "portico" })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(PorticoHost.Timeout);
            var received = await client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(PorticoHost.Timeout);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(PorticoHost.Timeout);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task GrpcUnaryAndServerStreamingKeepTrailersAsync()
    {
        // The streaming method sends its second message only after the client confirmed the first one arrived.
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            var request = await ReadMessageAsync(context.Request.Body);
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "0");
            if (context.Request.Path == "/echo.Echo/Unary")
            {
                context.Response.AppendTrailer("grpc-message", "unary-ok");
                await WriteMessageAsync(context.Response.Body, "echo:" + request);
                return;
            }

            context.Response.AppendTrailer("grpc-message", "stream-ok");
            await WriteMessageAsync(context.Response.Body, request + "-1");
            await context.Response.Body.FlushAsync();
            await firstSeen.Task.WaitAsync(PorticoHost.Timeout);
            await WriteMessageAsync(context.Response.Body, request + "-2");
            await WriteMessageAsync(context.Response.Body, request + "-3");
        }, HttpProtocols.Http2);
        await using var portico = await SingleRoute.StartAsync($"h2c://127.0.0.1:{backend.Port}");

        using (var unary = await CallAsync(portico, "/echo.Echo/Unary", "ping"))
        {
            var stream = await unary.Content.ReadAsStreamAsync();
            Assert.Equal("echo:ping", await ReadMessageAsync(stream));
            Assert.Null(await ReadMessageAsync(stream));
            Assert.Equal("0", unary.TrailingHeaders.GetValues("grpc-status").Single());
            Assert.Equal("unary-ok", unary.TrailingHeaders.GetValues("grpc-message").Single());
        }

        using var streaming = await CallAsync(portico, "/echo.Echo/Stream", "tick");
        var body = await streaming.Content.ReadAsStreamAsync();
        Assert.Equal("tick-1", await ReadMessageAsync(body).WaitAsync(PorticoHost.Timeout));
        firstSeen.SetResult();
        Assert.Equal("tick-2", await ReadMessageAsync(body).WaitAsync(PorticoHost.Timeout));
        Assert.Equal("tick-3", await ReadMessageAsync(body).WaitAsync(PorticoHost.Timeout));
        Assert.Null(await ReadMessageAsync(body).WaitAsync(PorticoHost.Timeout));
        Assert.Equal("0", streaming.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal("stream-ok", streaming.TrailingHeaders.GetValues("grpc-message").Single());
    }

    private static async Task<HttpResponseMessage> CallAsync(PorticoHost portico, string method, string message)
    {
        var payload = new MemoryStream();
        await WriteMessageAsync(payload, message);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portico.Url(), method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(payload.ToArray()),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        var response = await portico.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    /// <summary>gRPC length-prefixed framing: a compressed flag byte, a big-endian length, then the message.</summary>
    private static async Task WriteMessageAsync(Stream stream, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var frame = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(frame, 5);
        await stream.WriteAsync(frame);
    }

    private static async Task<string?> ReadMessageAsync(Stream stream)
    {
        var header = new byte[5];
        var read = await stream.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false);
        if (read == 0)
        {
            return null;
        }

        var message = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await stream.ReadExactlyAsync(message);
        return Encoding.UTF8.GetString(message);
    }
}

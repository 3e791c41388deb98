using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Portico.Tests.Forwarding;

public sealed class ForwarderUpgradeTests
{
    private static readonly TimeSpan s_timeout = KestrelHost.Timeout;

    [Fact]
    public async Task WebSocket_EchoesThroughTheProxy()
    {
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
            }
        }, webSockets: true);
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new ClientWebSocket();

        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{proxy.Url.Port}/socket"), CancellationToken.None).WaitAsync(s_timeout);
        foreach (var message in new[] { "hello", "world" })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(s_timeout);
            var buffer = new byte[1024];
            var result = await client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(s_timeout);
            Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(s_timeout);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(Portico.Forwarding.ProxyError.None, await proxy.NextErrorAsync());
    }

    /// <summary>An h2c upgrade would give the client an HTTP/2 connection to the server that skips routing.</summary>
    [Fact]
    public async Task H2cUpgrade_NeverReachesTheServer()
    {
        await using var backend = await KestrelHost.StartAsync(context =>
            context.Response.WriteAsync($"upgrade=[{context.Request.Headers.Upgrade}] settings=[{context.Request.Headers["HTTP2-Settings"]}]"));
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        var head = "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\n"
            + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";

        var response = await RawClient.SendAsync(proxy.Url, head);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("upgrade=[] settings=[]", response, StringComparison.Ordinal);
    }
}

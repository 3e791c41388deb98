using System.Net.WebSockets;
using System.Text;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// An upgraded connection is a tunnel, not a request body: the read timeout (which bounds reading a request body) must
/// not cut a WebSocket that lives longer than it. The clock is injected, so "longer" costs no waiting.
/// </summary>
public sealed class UpgradeTimeoutTests
{
    [Fact]
    public async Task AWebSocketOutlivesTheReadTimeoutAsync()
    {
        var time = new FakeTimeProvider();
        await using var backend = await Backend.StartAsync(
            async context =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[1024];
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, received.Count), WebSocketMessageType.Text, true, CancellationToken.None);
                }
            },
            webSockets: true);
        await using var portico = await PorticoHost.StartAsync(
            """
            entryPoints:
              web:
                address: "127.0.0.1:0"
                transport:
                  respondingTimeouts:
                    readTimeout: 1s
            """,
            $"""
            http:
              routers:
                ws:
                  rule: "PathPrefix(`/`)"
                  service: ws
              services:
                ws:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """,
            time: time);

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://{portico.Url().Authority}/echo"), CancellationToken.None).WaitAsync(PorticoHost.Timeout);
        Assert.Equal("one", await EchoAsync(client, "one"));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("two", await EchoAsync(client, "two"));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(PorticoHost.Timeout);
    }

    private static async Task<string> EchoAsync(ClientWebSocket client, string text)
    {
        await client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(PorticoHost.Timeout);
        var buffer = new byte[1024];
        var received = await client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(PorticoHost.Timeout);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}

using System.Net;
using System.Net.WebSockets;
using System.Text;
using Portico.Cli.Whoami;

namespace Portico.FunctionalTests.Whoami;

public sealed class WhoamiEndpointTests(WhoamiFixture fixture) : IClassFixture<WhoamiFixture>
{
    private static readonly TimeSpan Timeout = WhoamiFixture.Timeout;

    [Fact]
    public async Task BenchReturnsATinyFixedBody()
    {
        using var response = await fixture.Client.GetAsync($"{fixture.Server.Url}/bench").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, response.Content.Headers.ContentLength);
        Assert.Equal("1", await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
    }

    [Theory]
    [InlineData("no size means one byte", "", 1)]
    [InlineData("bytes", "?size=100", 100)]
    [InlineData("kilobytes", "?size=16&unit=KB", 16 * 1024)]
    [InlineData("unit is case-insensitive", "?size=3&unit=kb", 3 * 1024)]
    [InlineData("megabytes span several chunks", "?size=1&unit=MB", 1024 * 1024)]
    [InlineData("unknown unit means bytes", "?size=7&unit=parsecs", 7)]
    [InlineData("zero", "?size=0", 0)]
    public async Task DataStreamsExactlyTheRequestedSize(string scenario, string query, int expected)
    {
        using var response = await fixture.Client.GetAsync($"{fixture.Server.Url}/data{query}").WaitAsync(Timeout);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentLength);
        Assert.Equal(expected, body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            Assert.True(body[i] == WhoamiData.ByteAt(i), $"{scenario}: byte {i} differs");
        }
    }

    [Fact]
    public async Task HealthCanBeSetAndRead()
    {
        await using var server = await WhoamiServer.StartAsync(IPAddress.Loopback, 0, null, CancellationToken.None).WaitAsync(Timeout);
        var health = $"{server.Url}/health";

        using var initial = await fixture.Client.GetAsync(health).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, initial.StatusCode);

        using var set = await fixture.Client.PostAsync(health, new StringContent("503")).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(503, server.HealthStatus);

        using var after = await fixture.Client.GetAsync(health).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);

        using var invalid = await fixture.Client.PostAsync(health, new StringContent("teapot")).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(503, server.HealthStatus);
    }

    [Fact]
    public async Task EchoSendsEveryWebSocketMessageBack()
    {
        using var socket = new ClientWebSocket();
        var url = new Uri(fixture.Server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/echo");
        await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Timeout);

        var messages = new (WebSocketMessageType Type, byte[] Payload)[]
        {
            (WebSocketMessageType.Text, Encoding.UTF8.GetBytes("hello portico")),
            (WebSocketMessageType.Binary, [0, 1, 2, 255]),
        };
        var buffer = new byte[1024];
        foreach (var (type, payload) in messages)
        {
            await socket.SendAsync(payload, type, endOfMessage: true, CancellationToken.None).WaitAsync(Timeout);
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(type, received.MessageType);
            Assert.True(received.EndOfMessage);
            Assert.Equal(payload, buffer[..received.Count]);
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task EchoWithoutUpgradeIsABadRequest()
    {
        using var response = await fixture.Client.GetAsync($"{fixture.Server.Url}/echo").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

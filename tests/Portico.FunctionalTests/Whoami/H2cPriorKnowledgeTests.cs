using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portico.FunctionalTests.Whoami;

/// <summary>
/// The whoami port serves HTTP/1.1 and h2c side by side; these check that requests whose first bytes look
/// like the start of the HTTP/2 preface ("P…") still reach HTTP/1.1, however the bytes arrive.
/// </summary>
public sealed class H2cPriorKnowledgeTests(WhoamiFixture fixture) : IClassFixture<WhoamiFixture>
{
    private static readonly TimeSpan Timeout = WhoamiFixture.Timeout;

    [Theory]
    [InlineData("PUT in one write", "PUT", 0)]
    [InlineData("PUT split after the shared first byte", "PUT", 1)]
    [InlineData("POST split after the shared first byte", "POST", 1)]
    [InlineData("GET split early", "GET", 2)]
    public async Task Http1RequestsSharingThePrefacePrefixAreServed(string scenario, string method, int splitAt)
    {
        var request = Encoding.ASCII.GetBytes($"{method} /h1?case={splitAt} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Server.Port).WaitAsync(Timeout);
        var stream = client.GetStream();
        if (splitAt > 0)
        {
            await stream.WriteAsync(request.AsMemory(0, splitAt)).AsTask().WaitAsync(Timeout);
            await stream.FlushAsync().WaitAsync(Timeout);
        }

        await stream.WriteAsync(request.AsMemory(splitAt)).AsTask().WaitAsync(Timeout);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync().WaitAsync(Timeout);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.True(response.Contains($"{method} /h1?case={splitAt} HTTP/1.1\r\n", StringComparison.Ordinal), scenario);
    }
}

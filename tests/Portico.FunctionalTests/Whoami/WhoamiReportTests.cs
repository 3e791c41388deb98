using System.Net;
using System.Text.Json;

namespace Portico.FunctionalTests.Whoami;

public sealed class WhoamiReportTests(WhoamiFixture fixture) : IClassFixture<WhoamiFixture>
{
    private static readonly TimeSpan Timeout = WhoamiFixture.Timeout;

    [Theory]
    [InlineData("HTTP/1.1", "1.1", "HTTP/1.1")]
    [InlineData("h2c with prior knowledge", "2.0", "HTTP/2")]
    public async Task TextReportEchoesTheRequest(string scenario, string version, string expectedProtocol)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{fixture.Server.Url}/some/path?x=1&y=%20z")
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add("X-Test", ["abc", "def"]);

        using var response = await fixture.Client.SendAsync(request).WaitAsync(Timeout);
        var lines = (await response.Content.ReadAsStringAsync().WaitAsync(Timeout)).Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Name: {WhoamiFixture.Name}", lines[0]);
        Assert.StartsWith("Hostname: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("IP: 127.0.0.1", lines);
        Assert.Contains(lines, l => l.StartsWith("RemoteAddr: 127.0.0.1:", StringComparison.Ordinal));
        Assert.True(lines.Contains($"GET /some/path?x=1&y=%20z {expectedProtocol}"), $"{scenario}: request line missing");
        Assert.Contains($"Host: 127.0.0.1:{fixture.Server.Port}", lines);
        Assert.Contains(lines, l => l.Equals("X-Test: abc, def", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase) && l != $"Host: 127.0.0.1:{fixture.Server.Port}");
    }

    [Fact]
    public async Task TextReportEchoesThePostedBody()
    {
        using var content = new StringContent("hello body");
        using var response = await fixture.Client.PostAsync($"{fixture.Server.Url}/", content).WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);

        Assert.Contains("POST / HTTP/1.1\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nhello body", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiReturnsTheSameAsJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{fixture.Server.Url}/api?q=1");
        request.Headers.Add("X-Test", "abc");
        using var response = await fixture.Client.SendAsync(request).WaitAsync(Timeout);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
        var root = json.RootElement;

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("hostname").GetString()));
        Assert.Contains(root.GetProperty("ip").EnumerateArray(), ip => ip.GetString() == "127.0.0.1");
        Assert.Equal("abc", root.GetProperty("headers").GetProperty("X-Test")[0].GetString());
        Assert.False(root.GetProperty("headers").TryGetProperty("Host", out _));
        Assert.Equal("/api?q=1", root.GetProperty("url").GetString());
        Assert.Equal($"127.0.0.1:{fixture.Server.Port}", root.GetProperty("host").GetString());
        Assert.Equal("GET", root.GetProperty("method").GetString());
        Assert.Equal(WhoamiFixture.Name, root.GetProperty("name").GetString());
        Assert.StartsWith("127.0.0.1:", root.GetProperty("remoteAddr").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("go duration", "/?wait=60ms")]
    [InlineData("integer milliseconds", "/api?wait=60")]
    public async Task WaitDelaysTheAnswer(string scenario, string pathAndQuery)
    {
        var started = TimeProvider.System.GetTimestamp();
        using var response = await fixture.Client.GetAsync(fixture.Server.Url + pathAndQuery).WaitAsync(Timeout);
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(55), $"{scenario}: answered after {elapsed}");
    }
}

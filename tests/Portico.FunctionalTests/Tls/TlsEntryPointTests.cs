using System.Net;
using System.Net.Sockets;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

/// <summary>
/// Traefik's most common setup: an entry point with only an address, TLS routers (<c>tls: {}</c>) and plain routers on
/// it. TLS and cleartext share the port; a TLS router answers only over TLS and a plain one only over cleartext.
/// </summary>
public sealed class TlsEntryPointTests(SamePortFixture fixture) : IClassFixture<SamePortFixture>
{
    public static TheoryData<string, string, bool, string?> Rows => new()
    {
        { "TLS router over TLS", "secure.test", true, "secure" },
        { "TLS router is not reachable over plain HTTP", "secure.test", false, null },
        { "plain router over plain HTTP", "plain.test", false, "plain" },
        { "plain router is not reachable over TLS", "plain.test", true, null },
        { "same rule, TLS request takes the TLS router", "both.test", true, "both-tls" },
        { "same rule, plain request takes the plain router", "both.test", false, "both-plain" },
        { "http.tls entry point: routers inherit TLS", "inherit.test", true, "inherit" },
        { "http.tls entry point: plain requests find no router (404, as Traefik)", "inherit.test", false, null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task RoutersAnswerOnlyTheTransportTheyAreForAsync(string row, string host, bool overTls, string? expected)
    {
        var entryPoint = fixture.Portico.Url(host == "inherit.test" ? "websecure" : "web");
        HttpResponseMessage response;
        using var tls = new TlsClient(entryPoint);
        if (overTls)
        {
            response = await tls.GetAsync(host);
            Assert.Equal(HttpVersion.Version20, response.Version);
        }
        else
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, entryPoint);
            request.Headers.Host = host;
            response = await fixture.Portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout);
            Assert.True(expected is null ? response.StatusCode == HttpStatusCode.NotFound : body == expected, $"{row}: {(int)response.StatusCode} {body}");
        }
    }

    [Theory]
    [InlineData("configured certificate by SNI", "secure.test", true)]
    [InlineData("unknown SNI gets the default certificate", "unknown.test", false)]
    public async Task SniSelectsTheCertificateOnAPlainEntryPointAsync(string row, string serverName, bool configured)
    {
        _ = row;
        using var client = new TlsClient(fixture.Portico.Url("web"));
        using var response = await client.GetAsync(serverName);
        if (configured)
        {
            Assert.Equal(fixture.Certificate.Thumbprint, client.LastThumbprint);
        }
        else
        {
            Assert.Equal("CN=TRAEFIK DEFAULT CERT", client.LastSubject);
        }
    }

    [Fact]
    public async Task H2cWithPriorKnowledgeStillWorksOnTheSamePortAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Portico.Url("web"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = "plain.test";
        using var response = await fixture.Portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("plain", await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
    }

    public static TheoryData<string, string[], string> CurlRows => new()
    {
        { "HTTPS with ALPN h2", ["-k", "--resolve", "secure.test:{port}:127.0.0.1", "https://secure.test:{port}/"], "secure 2" },
        { "HTTPS forced to HTTP/1.1", ["-k", "--http1.1", "--resolve", "secure.test:{port}:127.0.0.1", "https://secure.test:{port}/"], "secure 1.1" },
        { "plain HTTP/1.1", ["-H", "Host: plain.test", "http://127.0.0.1:{port}/"], "plain 1.1" },
        { "h2c with prior knowledge", ["--http2-prior-knowledge", "-H", "Host: plain.test", "http://127.0.0.1:{port}/"], "plain 2" },
        { "h2c upgrade is served as HTTP/1.1", ["--http2", "-H", "Host: plain.test", "http://127.0.0.1:{port}/"], "plain 1.1" },
    };

    [Theory]
    [MemberData(nameof(CurlRows))]
    public async Task CurlSpeaksEveryProtocolOnOnePortAsync(string row, string[] arguments, string expected)
    {
        var port = fixture.Portico.Url("web").Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = await Curl.RunAsync([.. arguments.Select(a => a.Replace("{port}", port, StringComparison.Ordinal)), "-w", " %{http_version}"]);
        Assert.True(expected == output, $"{row}: {output}");
    }

    [Fact]
    public async Task AClientThatClosesBeforeSendingIsClosedAndThePortKeepsServingAsync()
    {
        var port = fixture.Portico.Url("web").Port;
        using (var silent = new TcpClient())
        {
            await silent.ConnectAsync(IPAddress.Loopback, port).WaitAsync(PorticoHost.Timeout);
            var stream = silent.GetStream();
            silent.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[16];
            int read;
            try
            {
                read = await stream.ReadAsync(buffer).AsTask().WaitAsync(PorticoHost.Timeout);
            }
            catch (IOException)
            {
                // Portico aborts the connection (a reset): closed without a byte, which is what is checked.
                read = 0;
            }

            Assert.Equal(0, read);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Portico.Url("web"));
        request.Headers.Host = "plain.test";
        using var response = await fixture.Portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        Assert.Equal("plain", await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
    }
}

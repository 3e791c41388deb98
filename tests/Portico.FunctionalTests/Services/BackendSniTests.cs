using System.Buffers.Binary;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>
/// The SNI name Portico sends to https backends is Traefik's: <c>serverName</c>, else the server URL's host (none for an
/// IP address), never the client's Host header, which still reaches the backend as the Host header.
/// </summary>
public sealed class BackendSniTests : IDisposable
{
    private static readonly string[] ClientHosts = ["x.test", "y.test", "z.test"];

    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Theory]
    [InlineData("URL host name without serverName", "localhost", null, true, "localhost")]
    [InlineData("IP address without serverName: no SNI", "127.0.0.1", null, true, "")]
    [InlineData("serverName", "localhost", "backend.internal", true, "backend.internal")]
    [InlineData("serverName with an IP address URL", "127.0.0.1", "backend.internal", true, "backend.internal")]
    [InlineData("passHostHeader false", "localhost", null, false, "localhost")]
    public async Task SniIsServerNameOrUrlHostNeverTheClientHostAsync(string scenario, string urlHost, string? serverName, bool passHostHeader, string expectedSni)
    {
        _ = scenario;
        await using var backend = await SniBackend.StartAsync(_pki.Server(serverName ?? "localhost"));
        var transport = $"rootCAs: [\"{_pki.CaFile}\"]" + (serverName is null ? string.Empty : $", serverName: {serverName}");
        await using var portico = await StartAsync($"https://{urlHost}:{backend.Port}", transport, passHostHeader);

        foreach (var host in ClientHosts)
        {
            var (status, body) = await portico.Host.GetAsync(host, "/");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal($"HTTP/2 {(passHostHeader ? host : $"{urlHost}:{backend.Port}")} https", body);
        }

        // One handshake asks for the protocol, one connection then carries every request whatever the client's Host.
        Assert.Equal([expectedSni, expectedSni], backend.ServerNames);
        Assert.Equal(ClientHosts.Length, Assert.Single(backend.Connections).Value);
    }

    [Theory]
    [InlineData("HTTP/1.1 and HTTP/2 backend", HttpProtocols.Http1AndHttp2, "", "HTTP/2", 2)]
    [InlineData("HTTP/2-only backend", HttpProtocols.Http2, "", "HTTP/2", 2)]
    [InlineData("HTTP/1.1-only backend", HttpProtocols.Http1, "", "HTTP/1.1", 2)]
    [InlineData("disableHTTP2: no protocol probe", HttpProtocols.Http1AndHttp2, ", disableHTTP2: true", "HTTP/1.1", 1)]
    public async Task ProtocolFollowsAlpnAsync(string scenario, HttpProtocols protocols, string options, string expectedProtocol, int expectedHandshakes)
    {
        _ = scenario;
        await using var backend = await SniBackend.StartAsync(_pki.Server("localhost"), protocols);
        await using var portico = await StartAsync($"https://localhost:{backend.Port}", $"rootCAs: [\"{_pki.CaFile}\"]{options}");

        foreach (var host in ClientHosts)
        {
            var (status, body) = await portico.Host.GetAsync(host, "/");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal($"{expectedProtocol} {host} https", body);
        }

        Assert.Equal(expectedHandshakes, backend.ServerNames.Count);
        Assert.Single(backend.Connections);
    }

    [Theory]
    [InlineData("certificate not matching serverName", "serverName: other.internal", "remote certificate")]
    [InlineData("nothing listening", "", "refused")]
    public async Task FailedConnectionsAnswer502AndLogAsync(string scenario, string options, string expectedReason)
    {
        _ = scenario;
        await using var backend = await SniBackend.StartAsync(_pki.Server("backend.internal"));
        var url = options.Length == 0 ? "https://localhost:1" : $"https://localhost:{backend.Port}";
        await using var portico = await StartAsync(url, $"rootCAs: [\"{_pki.CaFile}\"], {options}");

        var (status, _) = await portico.Host.GetAsync("x.test", "/");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var line = await portico.Logs.WaitForAsync("forwarding to").WaitAsync(PorticoHost.Timeout);
        Assert.Contains($"{url} failed with Connect (502)", line, StringComparison.Ordinal);
        Assert.Contains(expectedReason, line, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(backend.Connections);
    }

    [Fact]
    public async Task GrpcOverTlsKeepsTrailersAsync()
    {
        await using var backend = await SniBackend.StartAsync(_pki.Server("localhost"), HttpProtocols.Http2, async context =>
        {
            using var reader = new MemoryStream();
            await context.Request.Body.CopyToAsync(reader);
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "0");
            context.Response.AppendTrailer("grpc-message", $"{context.Request.Protocol} {context.Request.Host}");
            await context.Response.Body.WriteAsync(reader.ToArray());
        });
        await using var portico = await StartAsync($"https://localhost:{backend.Port}", $"rootCAs: [\"{_pki.CaFile}\"]");

        var message = Encoding.UTF8.GetBytes("ping");
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portico.Host.Url(), "/echo.Echo/Unary"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Headers.Host = "grpc.test";
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        using var response = await portico.Host.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(frame, await response.Content.ReadAsByteArrayAsync().WaitAsync(PorticoHost.Timeout));
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal("HTTP/2 grpc.test", response.TrailingHeaders.GetValues("grpc-message").Single());
        Assert.All(backend.ServerNames, name => Assert.Equal("localhost", name));
    }

    [Fact]
    public async Task HealthChecksUseTheSameSniAsync()
    {
        var checkedWith = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await SniBackend.StartAsync(_pki.Server("localhost"), handler: context =>
        {
            checkedWith.TrySetResult($"{context.Request.Path} {context.Request.Protocol} {context.Request.Host}");
            return Task.CompletedTask;
        });
        var url = $"https://localhost:{backend.Port}";
        var logs = new CapturingLoggerProvider();
        await using var portico = new Started(await PorticoHost.StartAsync(LoadBalancingTests.Static, $$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: app
              services:
                app:
                  loadBalancer:
                    serversTransport: tls
                    healthCheck:
                      path: /health
                      interval: 100ms
                      timeout: 5s
                    servers:
                      - url: "{{url}}"
              serversTransports:
                tls: { rootCAs: ["{{_pki.CaFile}}"] }
            """, logs.Factory), logs);

        Assert.Equal($"/health HTTP/1.1 localhost:{backend.Port}", await checkedWith.Task.WaitAsync(PorticoHost.Timeout));
        Assert.All(backend.ServerNames, name => Assert.Equal("localhost", name));
    }

    private static async Task<Started> StartAsync(string serverUrl, string transport, bool passHostHeader = true)
    {
        var logs = new CapturingLoggerProvider();
        var host = await PorticoHost.StartAsync(LoadBalancingTests.Static, $$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: app
              services:
                app:
                  loadBalancer:
                    serversTransport: tls
                    passHostHeader: {{(passHostHeader ? "true" : "false")}}
                    servers:
                      - url: "{{serverUrl}}"
              serversTransports:
                tls: { {{transport}} }
            """, logs.Factory);
        return new Started(host, logs);
    }

    private sealed record Started(PorticoHost Host, CapturingLoggerProvider Logs) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            Logs.Dispose();
        }
    }
}

using System.Net;
using Portico.Configuration.Dynamic;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class ForwarderClientFactoryTests
{
    [Fact]
    public void CreateHandler_MapsTransportOptions()
    {
        var config = new ServersTransportItemConfig
        {
            ForwardingTimeouts = new ForwardingTimeoutsConfig
            {
                DialTimeout = TimeSpan.FromSeconds(3),
                IdleConnTimeout = TimeSpan.FromSeconds(7),
                ReadIdleTimeout = TimeSpan.FromSeconds(11),
                PingTimeout = TimeSpan.FromSeconds(2),
            },
        };

        using var handler = ForwarderClientFactory.CreateHandler(config);

        Assert.Equal(TimeSpan.FromSeconds(3), handler.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), handler.PooledConnectionIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(11), handler.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), handler.KeepAlivePingTimeout);
        Assert.False(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        Assert.Equal(DecompressionMethods.None, handler.AutomaticDecompression);
        Assert.Null(handler.ActivityHeadersPropagator);
        Assert.True(handler.EnableMultipleHttp2Connections);
        Assert.Equal(Timeout.InfiniteTimeSpan, handler.PooledConnectionLifetime);
    }

    [Theory]
    [InlineData("negative disables reuse", -1, 0)]
    [InlineData("default keeps connections", 200, -1)]
    public void CreateHandler_MaxIdleConnsPerHost(string scenario, int maxIdle, int expectedLifetimeMs)
    {
        _ = scenario;
        using var handler = ForwarderClientFactory.CreateHandler(new ServersTransportItemConfig { MaxIdleConnsPerHost = maxIdle });

        Assert.Equal(TimeSpan.FromMilliseconds(expectedLifetimeMs), handler.PooledConnectionLifetime);
    }

    [Theory]
    [InlineData("DNS name without serverName", null, "backend.test", "backend.test")]
    [InlineData("IP address without serverName: no SNI", null, "127.0.0.1", "")]
    [InlineData("IPv6 address without serverName: no SNI", null, "[::1]", "")]
    [InlineData("serverName wins over a DNS name", "backend.internal", "backend.test", "backend.internal")]
    [InlineData("serverName wins over an IP address", "backend.internal", "127.0.0.1", "backend.internal")]
    public void TlsEndpoint_SniName(string scenario, string? serverName, string host, string expectedSni)
    {
        _ = scenario;
        using var client = ForwarderClientFactory.Create(new ServersTransportItemConfig { InsecureSkipVerify = true, ServerName = serverName });

        var server = client.Server(new Uri($"https://{host}:8443/base"));

        Assert.Equal(expectedSni, server.Endpoint.TargetHost);
        Assert.Equal(expectedSni, server.Endpoint.Http2Options.TargetHost);
        Assert.NotNull(server.Endpoint.Http11Options.RemoteCertificateValidationCallback);
        Assert.Equal($"{host}:8443", server.WireAuthority);

        // Another URL of the same address shares the endpoint, hence the learnt protocol.
        Assert.Same(server.Endpoint, client.Server(new Uri($"https://{host}:8443/other")).Endpoint);
    }

    [Theory]
    [InlineData("default port", "https://backend.test/", "backend.test:443", "backend.test")]
    [InlineData("explicit port", "https://backend.test:8443/", "backend.test:8443", "backend.test:8443")]
    public void TlsServer_AddressesTheHandlerOverHttp(string scenario, string url, string wireAuthority, string hostHeader)
    {
        _ = scenario;
        using var client = ForwarderClientFactory.Create(new ServersTransportItemConfig());

        var server = client.Server(new Uri(url));

        Assert.Equal(wireAuthority, server.WireAuthority);
        Assert.Equal(hostHeader, server.HostHeader);
    }
}

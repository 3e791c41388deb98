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

    [Fact]
    public void CreateHandler_InsecureSkipVerifyAndServerName()
    {
        using var handler = ForwarderClientFactory.CreateHandler(new ServersTransportItemConfig { InsecureSkipVerify = true, ServerName = "backend.internal" });

        Assert.Equal("backend.internal", handler.SslOptions.TargetHost);
        Assert.NotNull(handler.SslOptions.RemoteCertificateValidationCallback);
    }
}

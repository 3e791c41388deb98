using System.Net;
using Portico.Tcp.ProxyProtocol;

namespace Portico.Tests.Tcp.ProxyProtocol;

public sealed class ProxyProtocolPolicyTests
{
    [Theory]
    [InlineData("insecure trusts everyone", true, "", "198.51.100.1", true)]
    [InlineData("listed address", false, "127.0.0.1", "127.0.0.1", true)]
    [InlineData("unlisted address", false, "127.0.0.1", "127.0.0.2", false)]
    [InlineData("CIDR", false, "10.0.0.0/8,192.168.1.7", "10.9.8.7", true)]
    [InlineData("ipv4-mapped peer", false, "10.0.0.0/8", "::ffff:10.0.0.1", true)]
    [InlineData("nothing trusted", false, "", "127.0.0.1", false)]
    public void TrustsOnlyItsPeers(string name, bool insecure, string trusted, string peer, bool expected)
    {
        var policy = ProxyProtocolPolicy.Create(insecure, trusted.Split(',', StringSplitOptions.RemoveEmptyEntries), out var bad);

        Assert.Null(bad);
        Assert.True(expected == policy!.Trusts(IPAddress.Parse(peer)), name);
    }

    [Fact]
    public void ABadTrustedIPIsReported()
    {
        Assert.Null(ProxyProtocolPolicy.Create(false, ["10.0.0.0/8", "nope"], out var bad));
        Assert.Equal("nope", bad);
    }
}

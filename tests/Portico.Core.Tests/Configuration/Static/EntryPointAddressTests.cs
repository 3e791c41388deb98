using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Static;

public sealed class EntryPointAddressTests
{
    [Theory]
    [InlineData("port only", ":80", "", 80, false)]
    [InlineData("tcp suffix", ":443/tcp", "", 443, false)]
    [InlineData("udp suffix", ":53/udp", "", 53, true)]
    [InlineData("upper-case protocol", ":53/UDP", "", 53, true)]
    [InlineData("ipv4 host", "127.0.0.1:8080", "127.0.0.1", 8080, false)]
    [InlineData("ipv6 host", "[::1]:8443", "::1", 8443, false)]
    [InlineData("ipv6 any", "[::]:80/tcp", "::", 80, false)]
    [InlineData("host name", "localhost:9000", "localhost", 9000, false)]
    [InlineData("port zero", "127.0.0.1:0", "127.0.0.1", 0, false)]
    [InlineData("max port", ":65535", "", 65535, false)]
    public void Parses(string scenario, string text, string host, int port, bool udp)
    {
        Assert.True(EntryPointAddress.TryParse(text, out var address, out var error), scenario + ": " + error);
        Assert.Equal(new EntryPointAddress(host, port, udp), address);
    }

    [Theory]
    [InlineData("empty", "", "required")]
    [InlineData("no colon", "80", "missing port")]
    [InlineData("no port", "127.0.0.1:", "missing port")]
    [InlineData("port too large", ":65536", "0 to 65535")]
    [InlineData("port not a number", ":http", "invalid port")]
    [InlineData("negative port", ":-1", "invalid port")]
    [InlineData("bad protocol", ":80/sctp", "invalid protocol")]
    [InlineData("unbracketed ipv6", "::1:80", "too many colons")]
    [InlineData("bad ipv6", "[zz]:80", "invalid IPv6")]
    [InlineData("bad host", "ex ample:80", "invalid host")]
    public void Rejects(string scenario, string text, string message)
    {
        Assert.False(EntryPointAddress.TryParse(text, out _, out var error), scenario);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Formats_and_exposes_ip()
    {
        Assert.True(EntryPointAddress.TryParse("[::1]:80/udp", out var address, out _));
        Assert.Equal("[::1]:80/udp", address.ToString());
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, address.IPAddress);
    }
}

using Portico.Routing;

namespace Portico.Tests.Routing;

public sealed class RoutingRequestTests
{
    [Theory]
    [InlineData("plain", "example.com", "example.com")]
    [InlineData("port stripped", "example.com:8080", "example.com")]
    [InlineData("upper case", "ExAmple.COM", "example.com")]
    [InlineData("trailing dot", "example.com.", "example.com")]
    [InlineData("trailing dot and port", "example.com.:443", "example.com")]
    [InlineData("ipv6 with port", "[::1]:8080", "::1")]
    [InlineData("ipv6 without port", "[2001:DB8::1]", "2001:db8::1")]
    [InlineData("ipv4 with port", "10.0.0.1:80", "10.0.0.1")]
    [InlineData("whitespace", "  example.com ", "example.com")]
    [InlineData("empty", "", "")]
    public void CanonicalHost(string scenario, string header, string expected)
    {
        Assert.True(scenario.Length > 0);
        Assert.Equal(expected, RoutingRequest.CanonicalHost(header));
    }

    [Theory]
    [InlineData("unreserved escape decoded", "/foo%20bar", "/foo bar")]
    [InlineData("encoded slash kept", "/a%2Fb", "/a%2Fb")]
    [InlineData("lower-case reserved escape upper-cased", "/a%2fb", "/a%2Fb")]
    [InlineData("percent kept", "/a%25b", "/a%25b")]
    [InlineData("question mark kept", "/a%3Fb", "/a%3Fb")]
    [InlineData("letters decoded", "/%41%62c", "/Abc")]
    [InlineData("utf-8 decoded", "/caf%C3%A9", "/café")]
    [InlineData("dot segments sanitised after decoding", "/a/%2e%2e/b", "/b")]
    [InlineData("double slash collapsed", "/a//b/", "/a/b/")]
    [InlineData("query ignored", "/p?x=%2F", "/p")]
    public void RoutingPath(string scenario, string target, string expected)
    {
        Assert.True(scenario.Length > 0);
        Assert.Equal(expected, TestRequests.Create(target: target).Path);
    }

    [Fact]
    public void FallsBackToPathWhenNoRawTarget()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Path = "/foo bar";
        Assert.Equal("/foo bar", RoutingRequest.From(context).Path);
    }

    [Fact]
    public void ClientIpUnmapsIpv4MappedAddresses()
    {
        var request = TestRequests.Create(ip: "::ffff:192.168.1.5");
        Assert.Equal("192.168.1.5", request.ClientIP!.ToString());
    }
}

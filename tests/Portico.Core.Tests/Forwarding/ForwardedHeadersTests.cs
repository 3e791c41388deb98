using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Configuration.Static;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class ForwardedHeadersTests
{
    [Theory]
    [InlineData("untrusted peer: client values replaced", "198.51.100.1", false, "http", "front.example:8443", "198.51.100.1")]
    [InlineData("trusted peer: client values kept", "10.1.2.3", false, "https", "orig.example", "203.0.113.9")]
    [InlineData("insecure: everyone trusted", "198.51.100.1", true, "https", "orig.example", "203.0.113.9")]
    public void Apply_TrustDecidesWhichValuesSurvive(string scenario, string peer, bool insecure, string proto, string host, string realIp)
    {
        _ = scenario;
        var policy = Create(new ForwardedHeadersConfig { TrustedIPs = ["10.0.0.0/8"], Insecure = insecure });
        var context = NewContext(peer);
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        context.Request.Headers["X-Forwarded-Host"] = "orig.example";
        context.Request.Headers["X-Real-Ip"] = "203.0.113.9";
        context.Request.Headers["X-Forwarded-Uri"] = "/spoofed";

        policy.Apply(context);

        var headers = context.Request.Headers;
        Assert.Equal(proto, headers["X-Forwarded-Proto"]);
        Assert.Equal(host, headers["X-Forwarded-Host"]);
        Assert.Equal(realIp, headers["X-Real-Ip"]);
        Assert.Equal("proxy-1", headers["X-Forwarded-Server"]);
        Assert.Equal("8443", headers["X-Forwarded-Port"]);
        Assert.Equal(peer == "10.1.2.3" || insecure ? "/spoofed" : null, headers["X-Forwarded-Uri"].ToString() is "" ? null : headers["X-Forwarded-Uri"].ToString());
    }

    [Theory]
    [InlineData("a client cannot drop the proxy's headers", "X-Forwarded-For, X-Real-Ip", "X-Real-Ip", true, null)]
    [InlineData("nominated headers are removed", "X-Secret", "X-Secret", false, null)]
    [InlineData("allowed headers stay nominated", "X-Allowed", "X-Allowed", true, "X-Allowed")]
    [InlineData("upgrade survives", "Upgrade, X-Secret", "Upgrade", true, "Upgrade")]
    public void Apply_ConnectionNominations(string scenario, string connection, string header, bool present, string? connectionAfter)
    {
        _ = scenario;
        var policy = Create(new ForwardedHeadersConfig { Connection = ["X-Allowed"] });
        var context = NewContext("198.51.100.1");
        context.Request.Headers.Connection = connection;
        context.Request.Headers[header] = "value";

        policy.Apply(context);

        Assert.Equal(present, context.Request.Headers.ContainsKey(header));
        Assert.Equal(connectionAfter, context.Request.Headers.Connection.Count == 0 ? null : context.Request.Headers.Connection.ToString());
    }

    [Theory]
    [InlineData("websocket over http", false, true, "ws")]
    [InlineData("websocket over https", true, true, "wss")]
    [InlineData("https", true, false, "https")]
    public void Apply_ProtoNamesTheScheme(string scenario, bool https, bool webSocket, string expected)
    {
        _ = scenario;
        var context = NewContext("198.51.100.1");
        context.Request.IsHttps = https;
        if (webSocket)
        {
            context.Request.Headers.Connection = "Upgrade";
            context.Request.Headers.Upgrade = "websocket";
        }

        Create(new ForwardedHeadersConfig()).Apply(context);

        Assert.Equal(expected, context.Request.Headers["X-Forwarded-Proto"]);
    }

    [Fact]
    public void Create_ReportsEveryBadTrustedIp()
    {
        var errors = new List<ConfigError>();

        var options = ForwardedHeadersOptions.Create(
            new ForwardedHeadersConfig { TrustedIPs = ["10.0.0.0/8", "nope", "192.168.1.7/16", "::1", "1.2.3.4/40"] }, "entryPoints.web", errors);

        Assert.Equal(2, errors.Count);
        Assert.Equal(3, options.TrustedIPs.Count);
        Assert.Contains(options.TrustedIPs, n => n.Contains(IPAddress.Parse("192.168.200.1")));
    }

    [Theory]
    [InlineData("trusted peer: the list grows", "127.0.0.1/32", false, "203.0.113.7, 127.0.0.1")]
    [InlineData("untrusted peer: only the peer", "10.0.0.0/8", false, "127.0.0.1")]
    [InlineData("notAppendXForwardedFor keeps the list as sent", "127.0.0.1/32", true, "203.0.113.7")]
    public async Task EndToEnd_XForwardedFor(string scenario, string trusted, bool notAppend, string expected)
    {
        _ = scenario;
        await using var backend = await KestrelHost.StartAsync(context => context.Response.WriteAsync(context.Request.Headers["X-Forwarded-For"].ToString()));
        var policy = Create(new ForwardedHeadersConfig { TrustedIPs = [trusted], NotAppendXForwardedFor = notAppend });
        await using var proxy = await ProxyHost.StartAsync(backend.Url, forwardedHeaders: policy);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.Url);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request).WaitAsync(KestrelHost.Timeout);

        Assert.Equal(expected, await response.Content.ReadAsStringAsync().WaitAsync(KestrelHost.Timeout));
    }

    private static ForwardedHeaders Create(ForwardedHeadersConfig config) =>
        new(ForwardedHeadersOptions.Create(config, "entryPoints.web", new List<ConfigError>(), "proxy-1"));

    private static DefaultHttpContext NewContext(string peer)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Host = new HostString("front.example:8443");
        return context;
    }
}

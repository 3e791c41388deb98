using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class ForwarderHttpTests
{
    private static readonly TimeSpan s_timeout = KestrelHost.Timeout;

    [Fact]
    public async Task Get_ReturnsBackendStatusHeadersAndBody()
    {
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            context.Response.StatusCode = 201;
            context.Response.Headers["X-Backend"] = "yes";
            await context.Response.WriteAsync("hello " + context.Request.Method);
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient();

        using var response = await client.GetAsync(proxy.Url).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Backend").Single());
        Assert.Equal("hello GET", await response.Content.ReadAsStringAsync().WaitAsync(s_timeout));
        Assert.Equal(ProxyError.None, await proxy.NextErrorAsync());
    }

    [Fact]
    public async Task ResponseHeaders_AreAppendedToHeadersSetBeforeForwarding()
    {
        // The sticky cookie is set before the forwarder runs; the backend's own cookie must not replace it.
        await using var backend = await KestrelHost.StartAsync(context =>
        {
            context.Response.Headers.SetCookie = "backend=1";
            return Task.CompletedTask;
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url, prepare: context => context.Response.Headers.SetCookie = "sticky=abc");
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false });

        using var response = await client.GetAsync(proxy.Url).WaitAsync(s_timeout);

        Assert.Equal(["sticky=abc", "backend=1"], response.Headers.GetValues("Set-Cookie").ToArray());
    }

    [Fact]
    public async Task Post_BodyReachesBackend()
    {
        await using var backend = await KestrelHost.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            await context.Response.WriteAsync($"{context.Request.ContentType}|{context.Request.ContentLength}|{body}");
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient();

        using var response = await client.PostAsync(proxy.Url, new StringContent("ping", Encoding.UTF8, "text/plain")).WaitAsync(s_timeout);

        Assert.Equal("text/plain; charset=utf-8|4|ping", await response.Content.ReadAsStringAsync().WaitAsync(s_timeout));
    }

    [Theory]
    [InlineData("plain path and query", "/a/b?x=1&y=%20z", "", false, "/a/b?x=1&y=%20z")]
    [InlineData("encoded slash kept", "/a%2Fb", "", false, "/a%2Fb")]
    [InlineData("encoded space kept", "/a%20b", "", false, "/a%20b")]
    [InlineData("encoded percent not decoded twice", "/a%2541", "", false, "/a%2541")]
    [InlineData("utf-8 re-escaped", "/caf%C3%A9", "", false, "/caf%C3%A9")]
    [InlineData("server path ignored without preservePath", "/x", "/base", false, "/x")]
    [InlineData("preservePath joins", "/x?q", "/base", true, "/base/x?q")]
    [InlineData("preservePath single slash", "/x", "/base/", true, "/base/x")]
    public async Task Path_IsForwardedAsSent(string scenario, string requestTarget, string serverPath, bool preservePath, string expected)
    {
        _ = scenario;
        await using var backend = await KestrelHost.StartAsync(context =>
            context.Response.WriteAsync(context.Features.Get<IHttpRequestFeature>()!.RawTarget));
        await using var proxy = await ProxyHost.StartAsync(new Uri(backend.Url, serverPath), new ForwarderOptions { PreservePath = preservePath });
        using var client = new HttpClient();

        var body = await client.GetStringAsync(new Uri(proxy.Url, requestTarget)).WaitAsync(s_timeout);

        Assert.Equal(expected, body);
    }

    [Theory]
    [InlineData("passHostHeader keeps the client's Host", true, "client.example:8080")]
    [InlineData("without passHostHeader the server's authority is sent", false, null)]
    public async Task Host_FollowsPassHostHeader(string scenario, bool passHostHeader, string? expected)
    {
        _ = scenario;
        await using var backend = await KestrelHost.StartAsync(context => context.Response.WriteAsync(context.Request.Host.Value!));
        await using var proxy = await ProxyHost.StartAsync(backend.Url, new ForwarderOptions { PassHostHeader = passHostHeader });
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.Url);
        request.Headers.Host = "client.example:8080";

        using var response = await client.SendAsync(request).WaitAsync(s_timeout);

        Assert.Equal(expected ?? $"127.0.0.1:{backend.Port}", await response.Content.ReadAsStringAsync().WaitAsync(s_timeout));
    }

    /// <remarks>
    /// Kestrel rewrites the request's Connection header to the options it understands (close, keep-alive, upgrade),
    /// so the nomination is restored by a step before the forwarder, as a server that keeps the header would show it.
    /// </remarks>
    [Fact]
    public async Task RequestHeaders_HopByHopAndConnectionNominatedAreRemoved()
    {
        await using var backend = await KestrelHost.StartAsync(context =>
        {
            var names = string.Join(",", context.Request.Headers.Keys.Select(k => k.ToLowerInvariant()).Order());
            return context.Response.WriteAsync(names);
        });
        await using var proxy = await ProxyHost.StartAsync(backend.Url, prepare: context => context.Request.Headers.Connection = "X-Nominated, close");
        var head = "GET / HTTP/1.1\r\nHost: a\r\nConnection: X-Nominated, close\r\nX-Nominated: 1\r\nKeep-Alive: timeout=5\r\n"
            + "Proxy-Authorization: Basic eA==\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\nTrailer: X-T\r\nX-Kept: 1\r\n\r\n";

        var response = await RawClient.SendAsync(proxy.Url, head);
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

        Assert.Contains("\r\nhost,x-forwarded-for,x-kept\r\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseHeaders_HopByHopAndConnectionNominatedAreRemoved()
    {
        var raw = "HTTP/1.1 200 OK\r\nConnection: X-Nominated\r\nX-Nominated: 1\r\nKeep-Alive: timeout=5\r\n"
            + "Proxy-Authenticate: Basic\r\nX-Kept: 1\r\nContent-Length: 2\r\n\r\nok";
        await using var backend = new RawBackend(Encoding.ASCII.GetBytes(raw));
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient();

        using var response = await client.GetAsync(proxy.Url).WaitAsync(s_timeout);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync().WaitAsync(s_timeout));
        Assert.True(response.Headers.Contains("X-Kept"));
        Assert.False(response.Headers.Contains("X-Nominated"));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.False(response.Headers.Contains("Proxy-Authenticate"));
    }

    [Fact]
    public async Task XForwardedFor_PeerIsAppended()
    {
        await using var backend = await KestrelHost.StartAsync(context => context.Response.WriteAsync(context.Request.Headers["X-Forwarded-For"].ToString()));
        await using var proxy = await ProxyHost.StartAsync(backend.Url);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.Url);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request).WaitAsync(s_timeout);

        Assert.Equal("203.0.113.7, 127.0.0.1", await response.Content.ReadAsStringAsync().WaitAsync(s_timeout));
    }
}

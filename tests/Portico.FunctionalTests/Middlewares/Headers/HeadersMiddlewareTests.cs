using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.Headers;

/// <summary>The <c>headers</c> middleware through a real entry point and a real Kestrel backend.</summary>
public sealed class HeadersMiddlewareTests : IAsyncLifetime
{
    private Backend _backend = null!;
    private PorticoHost _portico = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync(context =>
        {
            context.Response.Headers.Vary = "Accept-Encoding";
            context.Response.Headers.XFrameOptions = "SAMEORIGIN";
            return context.Response.WriteAsync("from backend");
        });
        _portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: backend
                  middlewares: [secure-cors]
              middlewares:
                secure-cors:
                  headers:
                    accessControlAllowMethods: [GET, POST, PUT]
                    accessControlAllowHeaders: [Content-Type, Authorization]
                    accessControlAllowOriginList: ["https://app.example.com"]
                    accessControlAllowOriginListRegex: ["^https://[a-z]+\\.partner\\.example$"]
                    accessControlAllowCredentials: true
                    accessControlExposeHeaders: [X-Total]
                    accessControlMaxAge: 100
                    addVaryHeader: true
                    allowedHosts: ["api.example.com"]
                    hostsProxyHeaders: ["X-Original-Host"]
                    sslProxyHeaders:
                      X-Client-Tls: "on"
                    stsSeconds: 63072000
                    stsIncludeSubdomains: true
                    frameDeny: true
                    contentTypeNosniff: true
                    referrerPolicy: same-origin
                    customResponseHeaders:
                      X-Served-By: portico
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{_backend.Url}}"
            """);
    }

    public async Task DisposeAsync()
    {
        await _portico.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task APreflightIsAnsweredByThePorticoAndNeverReachesTheBackendAsync()
    {
        using var request = Request(HttpMethod.Options, "api.example.com");
        request.Headers.Add("Origin", "https://shop.partner.example");
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var response = await _portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Equal("https://shop.partner.example", Single(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET,POST,PUT", Single(response, "Access-Control-Allow-Methods"));
        Assert.Equal("Content-Type,Authorization", Single(response, "Access-Control-Allow-Headers"));
        Assert.Equal("true", Single(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("100", Single(response, "Access-Control-Max-Age"));
        Assert.False(response.Headers.Contains("X-Served-By"));
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task AnAllowedCrossOriginRequestGetsCorsAndSecurityHeadersAsync()
    {
        using var request = Request(HttpMethod.Get, "api.example.com");
        request.Headers.Add("Origin", "https://app.example.com");
        request.Headers.Add("X-Client-Tls", "on");
        using var response = await _portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from backend", await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
        Assert.Equal("https://app.example.com", Single(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Single(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("X-Total", Single(response, "Access-Control-Expose-Headers"));
        Assert.Equal("Accept-Encoding, Origin", string.Join(", ", response.Headers.Vary));
        Assert.Equal("max-age=63072000; includeSubDomains", Single(response, "Strict-Transport-Security"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Single(response, "Referrer-Policy"));
        Assert.Equal("portico", Single(response, "X-Served-By"));
    }

    [Fact]
    public async Task PlainHttpGetsNoStsAndAnUnknownOriginNoAllowOriginAsync()
    {
        using var request = Request(HttpMethod.Get, "api.example.com");
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await _portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
    }

    public static TheoryData<string, string, string?, HttpStatusCode> Hosts => new()
    {
        { "allowed host", "api.example.com", null, HttpStatusCode.OK },
        { "other host", "other.example.com", null, HttpStatusCode.InternalServerError },
        { "allowed host through the proxy header", "10.1.2.3", "api.example.com", HttpStatusCode.OK },
        { "other host through the proxy header", "api.example.com", "other.example.com", HttpStatusCode.InternalServerError },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task OnlyAllowedHostsAreServedAsync(string scenario, string host, string? originalHost, HttpStatusCode expected)
    {
        using var request = Request(HttpMethod.Get, host);
        if (originalHost is not null)
        {
            request.Headers.Add("X-Original-Host", originalHost);
        }

        using var response = await _portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout);

        Assert.True(expected == response.StatusCode, $"{scenario}: got {(int)response.StatusCode}");
        Assert.Equal(expected == HttpStatusCode.OK ? "from backend" : "Bad Host\n", body);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, _backend.Requests);
    }

    private HttpRequestMessage Request(HttpMethod method, string host)
    {
        var request = new HttpRequestMessage(method, new Uri(_portico.Url(), "/resource"));
        request.Headers.Host = host;
        return request;
    }

    private static string Single(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "(absent)";
}

using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.ForwardAuth;

/// <summary>forwardAuth through a real listener against a real Kestrel authentication server.</summary>
public sealed class ForwardAuthTests
{
    /// <summary>An authentication server deciding from X-Forwarded-Uri, recording what it was sent.</summary>
    private sealed class AuthServer : IAsyncDisposable
    {
        private Backend? _server;

        public ConcurrentQueue<(Dictionary<string, string> Headers, string Body, string Method)> Seen { get; } = new();

        public Uri Url => _server!.Url;

        public static async Task<AuthServer> StartAsync()
        {
            var auth = new AuthServer();
            auth._server = await Backend.StartAsync(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                auth.Seen.Enqueue((context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, context.Request.Method));
                var uri = context.Request.Headers["X-Forwarded-Uri"].ToString();
                if (uri.StartsWith("/allowed", StringComparison.Ordinal))
                {
                    context.Response.Headers["X-Auth-User"] = "alice";
                    context.Response.Headers["x-group-admin"] = "yes";
                    context.Response.Headers.Append("Set-Cookie", "session=auth; Path=/");
                    context.Response.Headers.Append("Set-Cookie", "ignored=1");
                    return;
                }

                if (uri.StartsWith("/login-needed", StringComparison.Ordinal))
                {
                    context.Response.StatusCode = 302;
                    context.Response.Headers.Location = "/login?rd=1";
                    await context.Response.WriteAsync("go log in");
                    return;
                }

                context.Response.StatusCode = 403;
                context.Response.Headers["X-Reason"] = "nope";
                await context.Response.WriteAsync("forbidden");
            });
            return auth;
        }

        public ValueTask DisposeAsync() => _server!.DisposeAsync();
    }

    private static Task<PorticoHost> StartAsync(Uri backend, string address, string extra = "", Microsoft.Extensions.Logging.ILoggerFactory? logs = null) => PorticoHost.StartAsync("""
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """, $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: backend
              middlewares: [auth]
          middlewares:
            auth:
              forwardAuth:
                address: "{address}"
                authResponseHeaders: [X-Auth-User]
                authResponseHeadersRegex: "^X-Group-"
                addAuthCookiesToResponse: [session]
                forwardBody: true
                maxBodySize: 16
        {extra}
          services:
            backend:
              loadBalancer:
                servers:
                  - url: "{backend}"
        """, logs);

    [Fact]
    public async Task AllowedRequestsCarryTheAuthHeadersAndCookiesAsync()
    {
        await using var auth = await AuthServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync(context =>
        {
            context.Response.Headers.Append("Set-Cookie", "session=backend");
            context.Response.Headers.Append("Set-Cookie", "backend-own=1");
        });
        await using var portico = await StartAsync(backend.Url, new Uri(auth.Url, "/check").ToString());

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), "/allowed/page?x=1"));
        request.Headers.Add("X-Auth-User", "spoofed");
        request.Headers.Add("X-Group-Evil", "1");
        request.Headers.Add("X-Forwarded-Host", "spoofed.example");
        request.Headers.Host = "app.test";
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = backend.Seen.Single();
        Assert.Equal("alice", seen.Headers["X-Auth-User"]);
        Assert.Equal("yes", seen.Headers["X-Group-Admin"]);
        Assert.False(seen.Headers.ContainsKey("X-Group-Evil"));
        Assert.Equal(["backend-own=1", "session=auth; Path=/"], response.Headers.GetValues("Set-Cookie").Order(StringComparer.Ordinal));

        var asked = auth.Seen.Single();
        Assert.Equal("GET", asked.Method);
        Assert.Equal("GET", asked.Headers["X-Forwarded-Method"]);
        Assert.Equal("http", asked.Headers["X-Forwarded-Proto"]);
        Assert.Equal("app.test", asked.Headers["X-Forwarded-Host"]);
        Assert.Equal("/allowed/page?x=1", asked.Headers["X-Forwarded-Uri"]);
        Assert.Equal("127.0.0.1", asked.Headers["X-Forwarded-For"]);
        Assert.Equal("spoofed", asked.Headers["X-Auth-User"]);
    }

    public static TheoryData<string, string, HttpStatusCode, string, string?> Denials => new()
    {
        // scenario, path, status, body, Location (relative to the auth server) or a header check
        { "403 with its body and headers", "/forbidden", HttpStatusCode.Forbidden, "forbidden", null },
        { "302 with the Location made absolute", "/login-needed", HttpStatusCode.Found, "go log in", "/login?rd=1" },
    };

    [Theory]
    [MemberData(nameof(Denials))]
    public async Task DenialsAreReturnedAsTheyAreAsync(string scenario, string path, HttpStatusCode status, string body, string? location)
    {
        await using var auth = await AuthServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend.Url, new Uri(auth.Url, "/check").ToString());

        using var response = await portico.SendAsync("app.test", path);

        Assert.True(status == response.StatusCode, scenario);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        if (location is null)
        {
            Assert.Equal("nope", response.Headers.GetValues("X-Reason").Single());
        }
        else
        {
            Assert.Equal(new Uri(auth.Url, location).AbsoluteUri, response.Headers.Location?.OriginalString);
        }

        Assert.Empty(backend.Seen);
    }

    [Fact]
    public async Task PreserveLocationHeaderKeepsARelativeLocationAsync()
    {
        await using var auth = await AuthServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend.Url, new Uri(auth.Url, "/check").ToString(), "        preserveLocationHeader: true");

        using var response = await portico.SendAsync("app.test", "/login-needed");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/login?rd=1", response.Headers.Location?.OriginalString);
    }

    public static TheoryData<string, string, HttpStatusCode, bool> Bodies => new()
    {
        { "a body within maxBodySize reaches both servers", "small body", HttpStatusCode.OK, true },
        { "a body over maxBodySize is refused with 401", "a body longer than sixteen bytes", HttpStatusCode.Unauthorized, false },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task ForwardBodyHonoursMaxBodySizeAsync(string scenario, string body, HttpStatusCode expected, bool forwarded)
    {
        await using var auth = await AuthServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend.Url, new Uri(auth.Url, "/check").ToString());

        using var content = new StringContent(body);
        using var response = await portico.Client.PostAsync(new Uri(portico.Url(), "/allowed"), content).WaitAsync(PorticoHost.Timeout);

        Assert.True(expected == response.StatusCode, scenario);
        Assert.Equal(forwarded ? body : null, auth.Seen.SingleOrDefault().Body);
        Assert.Equal(forwarded ? body : null, backend.Seen.SingleOrDefault()?.Body);
        if (forwarded)
        {
            Assert.Equal("GET", auth.Seen.Single().Method);
            Assert.Equal("POST", auth.Seen.Single().Headers["X-Forwarded-Method"]);
        }
    }

    [Fact]
    public async Task AnUnreachableAuthServerIsAnEmpty500Async()
    {
        await using var backend = await RecordingBackend.StartAsync();
        using var logs = new CapturingLoggerProvider();
        await using var portico = await StartAsync(backend.Url, $"http://127.0.0.1:{FreePort.Get()}/check", logs: logs.Factory);

        using var response = await portico.SendAsync("app.test", "/allowed");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Empty(backend.Seen);
        await logs.WaitForAsync("error calling the authentication server").WaitAsync(PorticoHost.Timeout);
    }
}

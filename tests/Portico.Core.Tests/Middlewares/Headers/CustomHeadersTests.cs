using Microsoft.AspNetCore.Http;

namespace Portico.Tests.Middlewares.Headers;

public sealed class CustomHeadersTests
{
    [Fact]
    public async Task CustomRequestHeadersAreSetAndEmptyValuesRemoveThemAsync()
    {
        string? seenAdded = null;
        var run = await HeadersHarness.RunAsync(
            """
            customRequestHeaders:
              X-Added: "yes"
              X-Removed: ""
              Host: "backend.internal"
            """,
            request => request.Headers["X-Removed"] = "secret",
            context => seenAdded = context.Request.Headers["X-Added"]);

        Assert.Equal("yes", seenAdded);
        Assert.False(run.Context.Request.Headers.ContainsKey("X-Removed"));
        Assert.Equal("backend.internal", run.Context.Request.Host.Value);
    }

    [Fact]
    public async Task AnEmptyCustomHostLeavesTheHostAloneAsync()
    {
        // Go keeps the host outside the header map, so Traefik's delete does not touch it.
        var run = await HeadersHarness.RunAsync("customRequestHeaders:\n  Host: \"\"\n  X-A: b");

        Assert.Equal("app.example.com", run.Context.Request.Host.Value);
    }

    [Fact]
    public async Task CustomResponseHeadersApplyWhenTheResponseStartsAsync()
    {
        var run = await HeadersHarness.RunAsync(
            """
            customResponseHeaders:
              X-Frame: "sameorigin"
              Server: ""
            """,
            backend: context => context.Response.Headers["Server"] = "backend/1.0");

        Assert.Equal("sameorigin", run.Response("X-Frame"));
        Assert.Null(run.Response("Server"));
    }

    public static TheoryData<string, string, string> BadOptions => new()
    {
        { "nothing configured", "{}", "headers needs at least one option" },
        { "only empty maps", "customRequestHeaders: {}", "headers needs at least one option" },
        { "unknown key", "frameDeni: true", "unknown key" },
        { "v2-only option", "sslRedirect: true", "unknown key" },
        { "origin regex RE2 rejects", "accessControlAllowOriginListRegex: [\"(?=a)b\"]", "accessControlAllowOriginListRegex" },
        { "unbalanced origin regex", "accessControlAllowOriginListRegex: [\"(a\"]", "accessControlAllowOriginListRegex" },
        { "header name with a space", "customRequestHeaders:\n  \"X Bad\": v", "customRequestHeaders: \"X Bad\" is not a valid header name" },
        { "line break in a value", "customResponseHeaders:\n  X-A: \"a\\nb\"", "customResponseHeaders: the value of X-A contains a control" },
        { "line break in a CSP", "contentSecurityPolicy: \"a\\r\\nb\"", "contentSecurityPolicy:" },
        { "bad proxy header name", "hostsProxyHeaders: [\"X:Host\"]", "hostsProxyHeaders:" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptionsDisableTheMiddlewareWithAnErrorNamingTheOption(string scenario, string options, string expected)
    {
        var errors = new List<Portico.Configuration.ConfigError>();
        var built = HeadersHarness.Build(options, errors);

        Assert.Null(built);
        Assert.True(
            errors.Exists(e => e.Item == "middleware \"m@file\"" && e.Message.Contains(expected, StringComparison.Ordinal)),
            $"{scenario}: {string.Join("; ", errors.Select(e => e.Message))}");
    }

    [Fact]
    public async Task ResponsesPorticoWritesItselfGetTheHeadersTooAsync()
    {
        var run = await HeadersHarness.RunAsync(
            "customResponseHeaders:\n  X-Tag: t\nframeDeny: true",
            backend: context => context.Response.StatusCode = StatusCodes.Status502BadGateway);

        Assert.Equal(502, run.Status);
        Assert.Equal("t", run.Response("X-Tag"));
        Assert.Equal("DENY", run.Response("X-Frame-Options"));
    }
}

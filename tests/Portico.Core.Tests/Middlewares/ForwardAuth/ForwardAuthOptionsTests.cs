using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Middlewares.ForwardAuth;
using Portico.Tests.Middlewares.BasicAuth;

namespace Portico.Tests.Middlewares.ForwardAuth;

public sealed class ForwardAuthOptionsTests
{
    [Theory]
    [InlineData("forwardAuth: {}", "forwardAuth needs an address")]
    [InlineData("forwardAuth:\n  address: /auth", "must be an absolute http:// or https:// URL")]
    [InlineData("forwardAuth:\n  address: ftp://auth", "must be an absolute http:// or https:// URL")]
    [InlineData("forwardAuth:\n  address: http://auth\n  authResponseHeadersRegex: \"(?=x)\"", "authResponseHeadersRegex:")]
    [InlineData("forwardAuth:\n  address: http://auth\n  maxBodySize: -2", "maxBodySize and maxResponseBodySize must be")]
    [InlineData("forwardAuth:\n  address: http://auth\n  tls:\n    cert: /a.pem", "tls.cert and tls.key must be set together")]
    [InlineData("forwardAuth:\n  address: http://auth\n  tls:\n    cert: /missing.pem\n    key: /missing.key", "tls: cannot load the certificates")]
    [InlineData("forwardAuth:\n  address: http://auth\n  tls:\n    ca: /missing.pem", "tls: cannot load the certificates")]
    [InlineData("forwardAuth:\n  adress: http://auth", "unknown key")]
    public void BadOptionsAreErrorsNamingTheMiddleware(string yaml, string expected)
    {
        var errors = new List<ConfigError>();

        Assert.Null(AuthHarness.Build(yaml, errors));
        Assert.Contains(errors, e => e.Item == "middleware \"m@file\"" && e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("x-auth-user", "X-Auth-User")]
    [InlineData("X-AUTH-USER", "X-Auth-User")]
    [InlineData("X-Auth-User", "X-Auth-User")]
    [InlineData("with space", "with space")]
    public void HeaderNamesAreCanonicalLikeGo(string name, string expected) => Assert.Equal(expected, GoHeaderKey.Canonical(name));

    public static TheoryData<string, bool, string[], string> ForwardedSets => new()
    {
        // scenario, trustForwardHeader, authRequestHeaders, expected "name=value" lines (sorted) of the X-Forwarded-* set plus X-Custom
        { "untrusted: computed from the request", false, [], "X-Custom=c|X-Forwarded-For=10.0.0.7|X-Forwarded-Host=app.test:8080|X-Forwarded-Method=POST|X-Forwarded-Port=8080|X-Forwarded-Proto=http|X-Forwarded-Uri=/a%20b/c?x=1" },
        { "trusted: incoming kept, peer appended", true, [], "X-Custom=c|X-Forwarded-For=1.2.3.4, 10.0.0.7|X-Forwarded-Host=front.test|X-Forwarded-Method=POST|X-Forwarded-Port=443|X-Forwarded-Proto=https|X-Forwarded-Uri=/a%20b/c?x=1" },
        { "filtered, untrusted", false, ["Authorization"], "X-Forwarded-For=10.0.0.7|X-Forwarded-Host=app.test:8080|X-Forwarded-Method=POST|X-Forwarded-Port=8080|X-Forwarded-Proto=http|X-Forwarded-Uri=/a%20b/c?x=1" },
        { "filtered, trusted keeps the X-Forwarded-* set", true, ["Authorization"], "X-Forwarded-For=1.2.3.4, 10.0.0.7|X-Forwarded-Host=front.test|X-Forwarded-Method=POST|X-Forwarded-Port=443|X-Forwarded-Proto=https|X-Forwarded-Uri=/a%20b/c?x=1" },
    };

    [Theory]
    [MemberData(nameof(ForwardedSets))]
    public void TheAuthRequestCarriesTheForwardedSet(string scenario, bool trust, string[] allowed, string expected)
    {
        var settings = new ForwardAuthSettings
        {
            Address = new Uri("http://auth.test/check"),
            Client = new HttpClient(),
            TrustForwardHeader = trust,
            AuthRequestHeaders = allowed.Length == 0 ? null : System.Collections.Frozen.FrozenSet.ToFrozenSet(trust ? allowed.Concat(ForwardAuthRequest.ForwardedHeaders) : allowed, StringComparer.OrdinalIgnoreCase),
        };
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.7");
        context.Request.Method = "POST";
        context.Request.Host = new HostString("app.test:8080");
        context.Request.Path = "/a b/c";
        context.Request.QueryString = new QueryString("?x=1");
        context.Request.Headers["X-Custom"] = "c";
        context.Request.Headers.Authorization = "Bearer t";
        context.Request.Headers.Connection = "keep-alive, X-Hop";
        context.Request.Headers["X-Hop"] = "dropped";
        context.Request.Headers["X-Forwarded-For"] = "1.2.3.4";
        context.Request.Headers["X-Forwarded-Host"] = "front.test";
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        context.Request.Headers["X-Forwarded-Port"] = "443";

        using var message = ForwardAuthRequest.Build(context, settings, content: null);

        var lines = message.Headers
            .Where(h => h.Key.StartsWith("X-", StringComparison.Ordinal))
            .Select(h => $"{h.Key}={string.Join(",", h.Value)}")
            .Order(StringComparer.Ordinal);
        Assert.True(expected == string.Join("|", lines), $"{scenario}: {string.Join("|", lines)}");
        Assert.Equal(HttpMethod.Get, message.Method);
        Assert.Equal("Bearer t", message.Headers.Authorization?.ToString());
        Assert.False(message.Headers.Contains("Connection"));
    }
}

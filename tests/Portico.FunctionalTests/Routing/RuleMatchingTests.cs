using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Routing;

/// <summary>Every matcher and operator through a real entry point: which router answers a given request.</summary>
public sealed class RuleMatchingTests(RulesFixture fixture) : IClassFixture<RulesFixture>
{
    public static TheoryData<string, string, string, string, string, string?> Cases => new()
    {
        // scenario, method, host, path and query, "Header: value" (or empty), expected router (null = 404)
        { "exact host", "GET", "a.example.com", "/", "", "host-exact" },
        { "host with port is stripped", "GET", "a.example.com:8080", "/", "", "host-exact" },
        { "host is case-insensitive", "GET", "A.Example.COM", "/", "", "host-exact" },
        { "wildcard matches one label", "GET", "b.example.com", "/", "", "host-wildcard" },
        { "wildcard with port", "GET", "b.example.com:443", "/x", "", "host-wildcard" },
        { "wildcard does not match two labels", "GET", "x.b.example.com", "/", "", null },
        { "wildcard does not match the apex", "GET", "example.com", "/", "", null },
        { "longer prefix rule wins", "GET", "api.test", "/api/v2/users", "", "api-v2" },
        { "shorter prefix otherwise", "GET", "api.test", "/api/v1/users", "", "api" },
        { "prefix is a plain string prefix", "GET", "api.test", "/apiary", "", "api" },
        { "path outside every prefix", "GET", "api.test", "/other", "", null },
        { "exact path", "GET", "path.test", "/exact", "", "path-exact" },
        { "exact path rejects a longer path", "GET", "path.test", "/exact/more", "", null },
        { "method matches", "POST", "m.test", "/", "", "method-post" },
        { "method mismatch", "GET", "m.test", "/", "", null },
        { "header matches", "GET", "h.test", "/", "X-Env: prod", "header" },
        { "header value is case-sensitive", "GET", "h.test", "/", "X-Env: PROD", null },
        { "header missing", "GET", "h.test", "/", "", null },
        { "query matches", "GET", "q.test", "/?mode=fast", "", "query" },
        { "query among several values", "GET", "q.test", "/?mode=slow&mode=fast", "", "query" },
        { "query mismatch", "GET", "q.test", "/?mode=slow", "", null },
        { "client IP in range", "GET", "ip.test", "/", "", "client-loopback" },
        { "client IP out of range", "GET", "ip2.test", "/", "", null },
        { "client IP ignores X-Forwarded-For", "GET", "ip2.test", "/", "X-Forwarded-For: 10.1.2.3", null },
        { "negation lets other paths through", "GET", "not.test", "/public", "", "not-private" },
        { "negation blocks its path", "GET", "not.test", "/private/x", "", null },
        { "or, left side", "GET", "or1.test", "/", "", "either-host" },
        { "or, right side", "GET", "or2.test", "/", "", "either-host" },
        { "explicit priority beats a longer rule", "GET", "prio.test", "/a/long/prefix/x", "", "prio-short-explicit" },
        { "a low explicit priority loses to a short default", "GET", "low.test", "/a/long/prefix/x", "", "low-default" },
        { "v2 path template", "GET", "v2.test", "/users/42", "", "v2-template" },
        { "v2 path template rejects non-digits", "GET", "v2.test", "/users/bob", "", null },
        { "v2 multi-value host, Headers and k=v query", "GET", "v2b.test", "/?k=v", "X-V: 2", "v2-multi" },
        { "v2 query mismatch", "GET", "v2a.test", "/?k=w", "X-V: 2", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheExpectedRouterAnswersAsync(string scenario, string method, string host, string pathAndQuery, string header, string? expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(fixture.Portico.Url(), pathAndQuery));
        request.Headers.Host = host;
        if (header.Length > 0)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            request.Headers.TryAddWithoutValidation(header[..colon], header[(colon + 1)..].Trim());
        }

        using var response = await fixture.Portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        var body = await response.Content.ReadAsStringAsync();
        if (expected is null)
        {
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{scenario}: expected 404, got {(int)response.StatusCode} from {body}");
            Assert.Equal("404 page not found\n", body);
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{scenario}: expected 200, got {(int)response.StatusCode}");
            Assert.Equal(expected, body);
        }
    }
}

namespace Portico.Tests.Middlewares.Headers;

public sealed class CorsTests
{
    private const string Full = """
        accessControlAllowCredentials: true
        accessControlAllowHeaders: [Content-Type, X-Token]
        accessControlAllowMethods: [GET, PUT]
        accessControlAllowOriginList: ["https://app.example.com"]
        accessControlMaxAge: 600
        """;

    /// <summary>scenario, options, origin, expected "Name=value" pairs ("Name=" when the header must be absent).</summary>
    public static TheoryData<string, string, string, string[]> Preflights => new()
    {
        {
            "allowed origin gets every header", Full, "https://app.example.com",
            ["Access-Control-Allow-Origin=https://app.example.com", "Access-Control-Allow-Credentials=true",
             "Access-Control-Allow-Headers=Content-Type,X-Token", "Access-Control-Allow-Methods=GET,PUT", "Access-Control-Max-Age=600"]
        },
        {
            "other origin still gets the answer, without allow-origin", Full, "https://evil.example.com",
            ["Access-Control-Allow-Origin=", "Access-Control-Allow-Credentials=true", "Access-Control-Allow-Methods=GET,PUT", "Access-Control-Max-Age=600"]
        },
        { "wildcard answers a star", "accessControlAllowOriginList: [\"*\"]", "https://any.example", ["Access-Control-Allow-Origin=*"] },
        { "max age defaults to zero", "accessControlAllowMethods: [GET]", "https://a.example", ["Access-Control-Max-Age=0", "Access-Control-Allow-Origin="] },
        { "no credentials header unless asked", "accessControlAllowMethods: [GET]", "https://a.example", ["Access-Control-Allow-Credentials=", "Access-Control-Allow-Headers="] },
        {
            "regex match echoes the origin", "accessControlAllowOriginListRegex: [\"^https://[a-z]+\\\\.example\\\\.com$\"]", "https://shop.example.com",
            ["Access-Control-Allow-Origin=https://shop.example.com"]
        },
        {
            "regex is unanchored like Go's MatchString", "accessControlAllowOriginListRegex: [\"example\\\\.com\"]", "https://example.com.evil.net",
            ["Access-Control-Allow-Origin=https://example.com.evil.net"]
        },
        { "anchored regex refuses a longer origin", "accessControlAllowOriginListRegex: [\"^https://example\\\\.com$\"]", "https://example.com.evil.net", ["Access-Control-Allow-Origin="] },
        { "list is tried before regexes", "accessControlAllowOriginList: [\"*\"]\naccessControlAllowOriginListRegex: [\".*\"]", "https://a.example", ["Access-Control-Allow-Origin=*"] },
        { "exact match is case-sensitive", "accessControlAllowOriginList: [\"https://App.example.com\"]", "https://app.example.com", ["Access-Control-Allow-Origin="] },
        { "vary is not added to a preflight", "addVaryHeader: true\naccessControlAllowOriginList: [\"*\"]", "https://a.example", ["Vary="] },
        { "custom and security headers skip the preflight", "frameDeny: true\ncustomResponseHeaders:\n  X-Tag: t\naccessControlAllowMethods: [GET]", "https://a.example", ["X-Frame-Options=", "X-Tag="] },
    };

    [Theory]
    [MemberData(nameof(Preflights))]
    public async Task PreflightsAreAnsweredWithoutTheBackendAsync(string scenario, string options, string origin, string[] expected)
    {
        var run = await HeadersHarness.RunAsync(options, request =>
        {
            request.Method = "OPTIONS";
            request.Headers.Origin = origin;
            request.Headers.AccessControlRequestMethod = "PUT";
        });

        Assert.False(run.BackendCalled, scenario);
        Assert.Equal(200, run.Status);
        AssertHeaders(scenario, run, expected);
    }

    /// <summary>scenario, options, method, origin ("" for none), whether Access-Control-Request-Method is sent.</summary>
    public static TheoryData<string, string, string, string, bool> NotPreflights => new()
    {
        { "options without request method", Full, "OPTIONS", "https://app.example.com", false },
        { "options without origin", Full, "OPTIONS", "", true },
        { "get with cors headers", Full, "GET", "https://app.example.com", true },
        { "no cors option: the backend answers preflights", "customResponseHeaders:\n  X-A: b", "OPTIONS", "https://app.example.com", true },
    };

    [Theory]
    [MemberData(nameof(NotPreflights))]
    public async Task OtherRequestsGoToTheBackendAsync(string scenario, string options, string method, string origin, bool requestMethod)
    {
        var run = await HeadersHarness.RunAsync(options, request =>
        {
            request.Method = method;
            if (origin.Length > 0)
            {
                request.Headers.Origin = origin;
            }

            if (requestMethod)
            {
                request.Headers.AccessControlRequestMethod = "PUT";
            }
        });

        Assert.True(run.BackendCalled, scenario);
    }

    /// <summary>scenario, options, origin ("" for none), the backend's Vary ("" for none), expected "Name=value" pairs.</summary>
    public static TheoryData<string, string, string, string, string[]> Responses => new()
    {
        { "allowed origin", Full, "https://app.example.com", "", ["Access-Control-Allow-Origin=https://app.example.com", "Access-Control-Allow-Credentials=true", "Access-Control-Max-Age=", "Access-Control-Allow-Methods="] },
        { "other origin: credentials are still set, as in Traefik", Full, "https://evil.example.com", "", ["Access-Control-Allow-Origin=", "Access-Control-Allow-Credentials=true"] },
        { "wildcard answers a request without origin", "accessControlAllowOriginList: [\"*\"]", "", "", ["Access-Control-Allow-Origin=*"] },
        { "exposed headers are joined", "accessControlExposeHeaders: [X-Total, X-Page]", "", "", ["Access-Control-Expose-Headers=X-Total,X-Page", "Access-Control-Allow-Origin="] },
        { "vary added", "addVaryHeader: true", "https://a.example", "", ["Vary=Origin"] },
        { "vary appended", "addVaryHeader: true", "https://a.example", "Accept-Encoding", ["Vary=Accept-Encoding,Origin"] },
        { "vary already origin", "addVaryHeader: true", "https://a.example", "Origin", ["Vary=Origin"] },
        { "vary left alone without addVaryHeader", "accessControlAllowOriginList: [\"*\"]", "https://a.example", "Accept", ["Vary=Accept"] },
        { "backend allow-origin is overwritten", "accessControlAllowOriginList: [\"https://a.example\"]", "https://a.example", "", ["Access-Control-Allow-Origin=https://a.example"] },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task ResponsesGetTheCorsHeadersAsync(string scenario, string options, string origin, string vary, string[] expected)
    {
        var run = await HeadersHarness.RunAsync(
            options,
            request =>
            {
                if (origin.Length > 0)
                {
                    request.Headers.Origin = origin;
                }
            },
            context =>
            {
                context.Response.Headers.AccessControlAllowOrigin = "https://backend.example";
                if (vary.Length > 0)
                {
                    context.Response.Headers.Vary = vary;
                }
            });

        Assert.True(run.BackendCalled, scenario);
        // The backend's own allow-origin survives only when the middleware does not set one.
        var filtered = expected.Select(e => e == "Access-Control-Allow-Origin=" ? "Access-Control-Allow-Origin=https://backend.example" : e).ToArray();
        AssertHeaders(scenario, run, filtered);
    }

    [Fact]
    public async Task APreflightIsAnsweredBeforeTheHostCheckAsync()
    {
        var run = await HeadersHarness.RunAsync("allowedHosts: [app.example.com]\naccessControlAllowOriginList: [\"*\"]", request =>
        {
            request.Host = new Microsoft.AspNetCore.Http.HostString("evil.example.com");
            request.Method = "OPTIONS";
            request.Headers.Origin = "https://a.example";
            request.Headers.AccessControlRequestMethod = "GET";
        });

        Assert.Equal(200, run.Status);
        Assert.Equal("*", run.Response("Access-Control-Allow-Origin"));
    }

    private static void AssertHeaders(string scenario, HeadersRun run, string[] expected)
    {
        foreach (var pair in expected)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = pair[..eq];
            var value = pair[(eq + 1)..];
            var actual = run.Response(name);
            Assert.True(value.Length == 0 ? actual is null : value == actual, $"{scenario}: {name} expected {(value.Length == 0 ? "(absent)" : value)}, got {actual ?? "(absent)"}");
        }
    }
}

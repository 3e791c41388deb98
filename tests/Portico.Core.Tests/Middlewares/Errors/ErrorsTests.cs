using System.Text;
using Microsoft.AspNetCore.Http;
using Portico.Services;

namespace Portico.Tests.Middlewares.Errors;

public sealed class ErrorsTests
{
    private const string Base = "errors:\n  status: [\"500-599\", \"404\"]\n  service: pages\n";

    public static TheoryData<string, string, int, int, string> Pages => new()
    {
        // scenario, extra options, backend status, expected status, expected page target
        { "5xx replaced", "  query: \"/{status}.html\"\n", 502, 502, "GET /502.html" },
        { "404 replaced", "  query: \"{status}.html\"\n", 404, 404, "GET /404.html" },
        { "rewrite by range", "  query: \"/{status}/{originalStatus}\"\n  statusRewrites:\n    \"500-504\": 503\n", 500, 503, "GET /503/500" },
        { "rewrite by code", "  query: \"/e?s={status}\"\n  statusRewrites:\n    \"404\": 410\n", 404, 410, "GET /e?s=410" },
        { "no query asks for /", string.Empty, 500, 500, "GET /" },
        { "url placeholder is query-escaped", "  query: \"/page?from={url}\"\n", 500, 500, "GET /page?from=%2Fshop%2Fa%2520b%3Fx%3D1%26y%3D2" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task MatchingAnswersAreReplacedByTheErrorPageAsync(string scenario, string extra, int backendStatus, int expectedStatus, string expectedTarget)
    {
        var pages = new PageService();
        var context = MiddlewareHarness.NewContext("POST", "/shop/a b");
        context.Request.QueryString = new QueryString("?x=1&y=2");
        context.Request.Headers.ContentLength = 4;
        context.Request.Body = new MemoryStream("body"u8.ToArray());

        await RunAsync(Base + extra, pages, context, backendStatus, "backend body");

        Assert.True(expectedStatus == context.Response.StatusCode, scenario);
        Assert.Equal("page", Encoding.UTF8.GetString(MiddlewareHarness.ResponseBytes(context)));
        Assert.Equal(expectedTarget, pages.Target);
        Assert.False(context.Response.Headers.ContainsKey("X-Backend"), "the backend's headers are discarded");
        Assert.Equal("from-page", context.Response.Headers["X-Page"].ToString());

        // The request is put back as the client sent it, for the access log.
        Assert.Equal(("POST", "/shop/a b", "?x=1&y=2"), (context.Request.Method, context.Request.Path.Value, context.Request.QueryString.Value));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(403)]
    [InlineData(302)]
    public async Task OtherAnswersPassThroughAsync(int status)
    {
        var pages = new PageService();
        var context = MiddlewareHarness.NewContext();

        await RunAsync(Base, pages, context, status, "backend body");

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("backend body", Encoding.UTF8.GetString(MiddlewareHarness.ResponseBytes(context)));
        Assert.Equal("yes", context.Response.Headers["X-Backend"].ToString());
        Assert.Null(pages.Target);
    }

    public static TheoryData<string, string, string> HeaderPolicies => new()
    {
        { "all headers by default", string.Empty, "Cookie,X-Keep,X-Other" },
        { "none when empty", "  errorRequestHeaders: []\n", string.Empty },
        { "only the listed ones", "  errorRequestHeaders: [x-keep]\n", "X-Keep" },
    };

    [Theory]
    [MemberData(nameof(HeaderPolicies))]
    public async Task ErrorRequestHeadersChooseWhatTheServiceSeesAsync(string scenario, string extra, string expected)
    {
        var pages = new PageService();
        var context = MiddlewareHarness.NewContext();
        context.Request.Headers["X-Keep"] = "1";
        context.Request.Headers["X-Other"] = "2";
        context.Request.Headers.Cookie = "session=secret";

        await RunAsync(Base + extra, pages, context, 500, string.Empty);

        Assert.True(expected == string.Join(',', pages.Headers.Order(StringComparer.Ordinal)), scenario + ": " + string.Join(',', pages.Headers));
    }

    [Theory]
    [InlineData("errors:\n  status: [\"500\"]\n", "errors needs a service")]
    [InlineData("errors:\n  status: [\"500\"]\n  service: missing\n", "service \"missing@file\" of the error pages does not exist")]
    [InlineData("errors:\n  status: [\"5xx\"]\n  service: pages\n", "status: invalid status code range \"5xx\"")]
    [InlineData("errors:\n  status: [\"500\"]\n  service: pages\n  statusRewrites:\n    \"500\": 700\n", "maps to 700")]
    [InlineData("errors:\n  status: [\"500\"]\n  service: pages\n  statusRewrites:\n    \"x\": 500\n", "statusRewrites: invalid status code range \"x\"")]
    public void BadOptionsAreErrors(string yaml, string expected) =>
        Assert.Contains(expected, MiddlewareHarness.FirstError(yaml, Resolve(new PageService())), StringComparison.Ordinal);

    private static Func<string, IHttpService?> Resolve(PageService pages) => name => name == "pages@file" ? pages : null;

    private static Task RunAsync(string yaml, PageService pages, HttpContext context, int status, string body)
    {
        var middleware = MiddlewareHarness.BuildValid(yaml, Resolve(pages));
        return middleware(async ctx =>
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Headers["X-Backend"] = "yes";
            ctx.Response.ContentLength = body.Length;
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
        })(context).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class PageService : IHttpService
    {
        public string Name => "pages@file";

        public bool IsHealthy => true;

        public string? Target { get; private set; }

        public List<string> Headers { get; } = [];

        public async Task HandleAsync(HttpContext context)
        {
            Target = $"{context.Request.Method} {context.Request.Path.ToUriComponent()}{context.Request.QueryString}";
            Headers.AddRange(context.Request.Headers.Keys.Where(k => k is not "Host"));
            Assert.Equal(Stream.Null, context.Request.Body);

            // The page's own status (200) is replaced by the error's.
            context.Response.StatusCode = 200;
            context.Response.Headers["X-Page"] = "from-page";
            await context.Response.WriteAsync("page");
        }
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Configuration;

namespace Portico.Tests.Middlewares;

public sealed class HeadersMiddlewareTests
{
    [Fact]
    public async Task CustomRequestHeadersAreSetAndEmptyValuesRemoveThemAsync()
    {
        var errors = new List<ConfigError>();
        var middleware = PathMiddlewareTests.Build("""
            headers:
              customRequestHeaders:
                X-Added: "yes"
                X-Removed: ""
                Host: "backend.internal"
            """, errors)!;
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Removed"] = "secret";
        context.Request.Host = new HostString("public.example");
        string? seenAdded = null;
        await middleware(c =>
        {
            seenAdded = c.Request.Headers["X-Added"];
            return Task.CompletedTask;
        })(context);

        Assert.Equal("yes", seenAdded);
        Assert.False(context.Request.Headers.ContainsKey("X-Removed"));
        Assert.Equal("backend.internal", context.Request.Host.Value);
    }

    [Fact]
    public async Task CustomResponseHeadersApplyWhenTheResponseStartsAsync()
    {
        var errors = new List<ConfigError>();
        var middleware = PathMiddlewareTests.Build("""
            headers:
              customResponseHeaders:
                X-Frame: "sameorigin"
                Server: ""
            """, errors)!;
        var response = new StartableResponseFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(response);
        await middleware(c =>
        {
            c.Response.Headers["Server"] = "backend/1.0";
            return Task.CompletedTask;
        })(context);
        await response.StartAsync();

        Assert.Equal("sameorigin", context.Response.Headers["X-Frame"]);
        Assert.False(context.Response.Headers.ContainsKey("Server"));
    }

    /// <summary>A response feature that runs OnStarting callbacks when told to, as a server does before sending headers.</summary>
    private sealed class StartableResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public async Task StartAsync()
        {
            for (var i = _starting.Count - 1; i >= 0; i--)
            {
                await _starting[i].Callback(_starting[i].State);
            }
        }
    }
}

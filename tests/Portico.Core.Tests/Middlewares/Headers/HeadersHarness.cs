using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;

namespace Portico.Tests.Middlewares.Headers;

/// <summary>What one request through the <c>headers</c> middleware produced, after the response has started.</summary>
internal sealed record HeadersRun(HttpContext Context, bool BackendCalled, string Body)
{
    public int Status => Context.Response.StatusCode;

    public string? Response(string name) =>
        Context.Response.Headers.TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>
/// Builds the <c>headers</c> middleware from YAML options and runs one request through it to a fake next handler, then
/// fires the response's OnStarting callbacks as a server does before sending the headers.
/// </summary>
internal static class HeadersHarness
{
    public static Func<RequestDelegate, RequestDelegate>? Build(string options, List<ConfigError> errors)
    {
        var indented = string.Join('\n', options.Split('\n').Select(line => "  " + line));
        var node = YamlConfigReader.Read("headers:\n" + indented, "test.yml", errors)!;
        var type = node.Entries[0];
        Assert.True(MiddlewareRegistry.Default.TryGet(type.Key, out var factory));
        return factory.Create(new MiddlewareContext { Name = "m@file", TypeName = type.Key, Options = type.Value, Errors = errors });
    }

    /// <summary>
    /// Runs a request. <paramref name="request"/> shapes it (method, host, headers, scheme); <paramref name="backend"/>
    /// plays the next handler and may set response headers; it defaults to answering 200.
    /// </summary>
    public static async Task<HeadersRun> RunAsync(string options, Action<HttpRequest>? request = null, Action<HttpContext>? backend = null)
    {
        var errors = new List<ConfigError>();
        var middleware = Build(options, errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        var response = new StartableResponseFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(response);
        var body = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("app.example.com");
        context.Request.Path = "/";
        request?.Invoke(context.Request);

        var called = false;
        await middleware(c =>
        {
            called = true;
            backend?.Invoke(c);
            return Task.CompletedTask;
        })(context).WaitAsync(TimeSpan.FromSeconds(10));
        await response.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return new HeadersRun(context, called, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>A response feature that runs OnStarting callbacks when told to, last registered first, as Kestrel does.</summary>
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

using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;

namespace Portico.Tests.Middlewares.BasicAuth;

/// <summary>Builds an authentication middleware from YAML and runs requests through it into a recording terminal.</summary>
internal sealed class AuthHarness
{
    private readonly RequestDelegate _pipeline;

    private AuthHarness(RequestDelegate pipeline)
    {
        _pipeline = pipeline;
    }

    /// <summary>The request as the next handler saw it, or null when the middleware answered itself.</summary>
    public HttpRequest? Passed { get; private set; }

    public static AuthHarness Create(string yaml)
    {
        AuthHarness? harness = null;
        var time = new FakeTimeProvider();
        var errors = new List<ConfigError>();
        var middleware = Build(yaml, errors, time) ?? throw new InvalidOperationException(string.Join("; ", errors));
        harness = new AuthHarness(middleware(context =>
        {
            harness!.Passed = context.Request;
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        }));
        harness._time = time;
        return harness;
    }

    private FakeTimeProvider? _time;

    /// <summary>The clock the middleware was built with.</summary>
    public FakeTimeProvider Clock => _time!;

    public async Task<HttpContext> SendAsync(string? authorization, string method = "GET", string path = "/")
    {
        Passed = null;
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        await _pipeline(context).WaitAsync(TimeSpan.FromSeconds(10));
        return context;
    }

    public static Func<RequestDelegate, RequestDelegate>? Build(string yaml, List<ConfigError> errors, TimeProvider? time = null)
    {
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        var type = node.Entries[0];
        Assert.True(MiddlewareRegistry.Default.TryGet(type.Key, out var factory));
        return factory.Create(new MiddlewareContext { Name = "m@file", TypeName = type.Key, Options = type.Value, Errors = errors, Time = time ?? TimeProvider.System });
    }

    public static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + password));
}

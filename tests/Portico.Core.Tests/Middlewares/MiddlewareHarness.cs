using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;
using Portico.Services;

namespace Portico.Tests.Middlewares;

/// <summary>Builds a middleware from YAML and runs it over a <see cref="DefaultHttpContext"/> whose body is kept in memory.</summary>
internal static class MiddlewareHarness
{
    public static Func<RequestDelegate, RequestDelegate>? Build(string yaml, List<ConfigError> errors, Func<string, IHttpService?>? services = null)
    {
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        var type = node.Entries[0];
        Assert.True(MiddlewareRegistry.Default.TryGet(type.Key, out var factory));
        return factory.Create(new MiddlewareContext
        {
            Name = "m@file",
            TypeName = type.Key,
            Options = type.Value,
            Errors = errors,
            ResolveService = services ?? (_ => null),
        });
    }

    public static Func<RequestDelegate, RequestDelegate> BuildValid(string yaml, Func<string, IHttpService?>? services = null)
    {
        var errors = new List<ConfigError>();
        return Build(yaml, errors, services) ?? throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.Message)));
    }

    /// <summary>Builds and returns the first error message (asserting that the build failed).</summary>
    public static string FirstError(string yaml, Func<string, IHttpService?>? services = null)
    {
        var errors = new List<ConfigError>();
        Assert.Null(Build(yaml, errors, services));
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("middleware \"m@file\"", e.Item));
        return string.Join("; ", errors.Select(e => e.Message));
    }

    public static DefaultHttpContext NewContext(string method = "GET", string path = "/")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static byte[] ResponseBytes(HttpContext context) => ((MemoryStream)context.Response.Body).ToArray();
}

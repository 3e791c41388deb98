using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;

namespace Portico.Tests.Middlewares.Rewriting;

/// <summary>What the handler after the middleware saw, or null when the middleware answered itself.</summary>
internal sealed record Passed(string Path, string EscapedPath, IHeaderDictionary Headers);

/// <summary>Builds one middleware from YAML and runs a request shaped like Kestrel's through it.</summary>
internal static class RewritingHarness
{
    public static Func<RequestDelegate, RequestDelegate>? Build(string yaml, List<ConfigError> errors)
    {
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        var type = node.Entries[0];
        Assert.True(MiddlewareRegistry.Default.TryGet(type.Key, out var factory));
        return factory.Create(new MiddlewareContext { Name = "m@file", TypeName = type.Key, Options = type.Value, Errors = errors });
    }

    public static List<string> Errors(string yaml)
    {
        var errors = new List<ConfigError>();
        Assert.Null(Build(yaml, errors));
        Assert.All(errors, e => Assert.Equal("middleware \"m@file\"", e.Item));
        return errors.Select(e => e.Message).ToList();
    }

    /// <summary>
    /// Creates a request the way Kestrel presents it: <paramref name="rawTarget"/> as sent, the path decoded except
    /// <c>%2F</c> and the query kept raw.
    /// </summary>
    public static DefaultHttpContext Request(string rawTarget, string host = "example.com", bool https = false, string method = "GET")
    {
        var context = new DefaultHttpContext();
        var q = rawTarget.IndexOf('?');
        var escaped = q < 0 ? rawTarget : rawTarget[..q];
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Request.Path = new PathString(Portico.EntryPoints.UnsanitizedPath.Decode(escaped));
        context.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(rawTarget[q..]);
        context.Request.Host = new HostString(host);
        context.Request.Scheme = https ? "https" : "http";
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static async Task<Passed?> RunAsync(string yaml, HttpContext context, RequestDelegate? terminal = null)
    {
        var errors = new List<ConfigError>();
        var middleware = Build(yaml, errors) ?? throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.Message)));
        Passed? passed = null;
        await middleware(async c =>
        {
            passed = new Passed(c.Request.Path.Value!, Portico.Middlewares.Rewriting.RequestTarget.EscapedPath(c), c.Request.Headers);
            if (terminal is not null)
            {
                await terminal(c);
            }
        })(context).WaitAsync(TimeSpan.FromSeconds(10));
        return passed;
    }

    public static string Body(HttpContext context)
    {
        var stream = (MemoryStream)context.Response.Body;
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}

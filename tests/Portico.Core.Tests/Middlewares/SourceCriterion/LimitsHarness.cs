using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;

namespace Portico.Tests.Middlewares.SourceCriterion;

/// <summary>Builds a middleware from YAML as the snapshot builder does, and runs requests through it.</summary>
internal static class LimitsHarness
{
    public static Func<RequestDelegate, RequestDelegate>? Build(string yaml, List<ConfigError> errors, TimeProvider? time = null)
    {
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        var type = node.Entries[0];
        Assert.True(MiddlewareRegistry.Default.TryGet(type.Key, out var factory));
        return factory.Create(new MiddlewareContext
        {
            Name = "limit@file",
            TypeName = type.Key,
            Options = type.Value,
            Errors = errors,
            Time = time ?? TimeProvider.System,
        });
    }

    public static RequestDelegate BuildOrThrow(string yaml, RequestDelegate next, TimeProvider? time = null)
    {
        var errors = new List<ConfigError>();
        var middleware = Build(yaml, errors, time) ?? throw new InvalidOperationException(string.Join("; ", errors));
        return middleware(next);
    }

    /// <summary>A request from <paramref name="peer"/> with an optional X-Forwarded-For and extra headers ("Name: value").</summary>
    public static DefaultHttpContext Request(string peer = "10.0.0.1", string? forwardedFor = null, string host = "example.com", params string[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Host = new HostString(host);
        context.Response.Body = new MemoryStream();
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        foreach (var header in headers)
        {
            var colon = header.IndexOf(':');
            context.Request.Headers[header[..colon]] = header[(colon + 1)..].Trim();
        }

        return context;
    }

    public static string Body(HttpContext context)
    {
        var stream = (MemoryStream)context.Response.Body;
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}

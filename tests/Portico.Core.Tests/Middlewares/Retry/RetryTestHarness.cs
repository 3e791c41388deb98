using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Forwarding;
using Portico.Middlewares;
using Portico.Middlewares.Retry;
using Portico.Runtime;
using Portico.Services.Composite;

namespace Portico.Tests.Middlewares.Retry;

/// <summary>What one attempt of the scripted service does: fail to connect (502 from the service) or answer a status.</summary>
internal readonly record struct Outcome(int Status, bool ConnectFailure = false)
{
    public static Outcome Connect => new(502, ConnectFailure: true);

    public static Outcome Answer(int status) => new(status);
}

/// <summary>Builds retry middlewares from YAML and runs them against a scripted service that behaves like a load balancer.</summary>
internal static class RetryTestHarness
{
    public static Func<RequestDelegate, RequestDelegate>? Build(string yaml, List<ConfigError> errors, TimeProvider? time = null)
    {
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        var type = node.Entries[0];
        Assert.True(MiddlewareRegistry.Default.TryGet(type.Key, out var factory));
        return factory.Create(new MiddlewareContext { Name = "r@file", TypeName = type.Key, Options = type.Value, Errors = errors, Time = time ?? TimeProvider.System });
    }

    public static RetryMiddleware Direct(string yaml, RequestDelegate next, TimeProvider time, double random = 0.5)
    {
        var errors = new List<ConfigError>();
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        var options = ConfigBinder.Bind<RetryOptions>(node.Entries[0].Value, "retry", errors);
        var status = options.Status.Count > 0 ? StatusRanges.TryParse(options.Status, out _) : null;
        Assert.Empty(errors);
        return new RetryMiddleware(next, options, status, "r@file", time, () => random, NullLogger.Instance);
    }

    public static DefaultHttpContext NewContext(string method = "GET", string? body = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/";
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
        }

        context.Response.Body = new MemoryStream();
        context.Features.Set(new PorticoRequestFeature { EntryPoint = "web" });
        return context;
    }

    /// <summary>A service that plays the outcomes in order (the last one repeats) and records the bodies it was sent.</summary>
    public static RequestDelegate Script(List<string> seenBodies, params Outcome[] outcomes) => async context =>
    {
        var outcome = outcomes[Math.Min(seenBodies.Count, outcomes.Length - 1)];
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
        seenBodies.Add(outcome.ConnectFailure ? string.Empty : await reader.ReadToEndAsync());
        context.Response.Headers["X-Attempt"] = seenBodies.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (outcome.ConnectFailure)
        {
            context.Features.Set(new ProxyErrorInfo(ProxyError.Connect, new HttpRequestException("refused")));
        }

        context.Response.StatusCode = outcome.Status;
        await context.Response.WriteAsync($"answer {seenBodies.Count}");
    };

    public static Outcome[] Parse(string outcomes) =>
        [.. outcomes.Split(',').Select(o => o == "connect" ? Outcome.Connect : Outcome.Answer(int.Parse(o, System.Globalization.CultureInfo.InvariantCulture)))];

    public static string ResponseText(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}

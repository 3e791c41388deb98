using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Portico.Forwarding;

namespace Portico.Tests.Services;

/// <summary>
/// Test forwarder: records every destination (and request body), and answers by a per-host rule: a status code,
/// a proxy error, or a custom delegate. By default it answers 200 with the destination host:port as the body.
/// </summary>
internal sealed class RecordingForwarder : IHttpForwarder
{
    public ConcurrentQueue<(Uri Destination, string Body)> Calls { get; } = new();

    /// <summary>Per authority (host:port) behaviour; returns the proxy error to report.</summary>
    public ConcurrentDictionary<string, Func<HttpContext, Task<ProxyError>>> Rules { get; } = new();

    public IReadOnlyList<string> Authorities => Calls.Select(c => c.Destination.Authority).ToList();

    public async ValueTask<ProxyError> SendAsync(HttpContext context, Uri destination, HttpMessageInvoker client, ForwarderOptions options)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        Calls.Enqueue((destination, body));
        if (Rules.TryGetValue(destination.Authority, out var rule))
        {
            return await rule(context);
        }

        context.Response.StatusCode = 200;
        await context.Response.WriteAsync(destination.Authority);
        return ProxyError.None;
    }

    public static Func<HttpContext, Task<ProxyError>> Status(int status) => async ctx =>
    {
        ctx.Response.StatusCode = status;
        await ctx.Response.WriteAsync("status " + status);
        return ProxyError.None;
    };

    public static Func<HttpContext, Task<ProxyError>> Error(ProxyError error) => _ => Task.FromResult(error);
}

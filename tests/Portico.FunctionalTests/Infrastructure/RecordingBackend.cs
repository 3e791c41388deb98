using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>What a backend saw of one request: the raw target, the headers and the whole body.</summary>
internal sealed record SeenRequest(string Method, string RawTarget, string Path, IReadOnlyDictionary<string, string> Headers, string Body, string Protocol);

/// <summary>
/// A Kestrel backend that records every request it receives, so a test can prove exactly which requests the proxy
/// let through, with which headers and body, and answers <c>200 ok</c>.
/// </summary>
internal sealed class RecordingBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private Backend? _backend;

    public Uri Url => _backend!.Url;

    public IReadOnlyList<SeenRequest> Seen => _seen.ToArray();

    /// <summary>Starts a backend; <paramref name="respond"/> may add response headers before the body <c>ok</c> is written.</summary>
    public static async Task<RecordingBackend> StartAsync(Action<HttpContext>? respond = null)
    {
        var recording = new RecordingBackend();
        recording._backend = await Backend.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, System.Text.Encoding.Latin1);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in context.Request.Headers)
            {
                headers[header.Key] = header.Value.ToString();
            }

            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
            recording._seen.Enqueue(new SeenRequest(context.Request.Method, target, context.Request.Path.Value ?? string.Empty, headers, body, context.Request.Protocol));
            respond?.Invoke(context);
            await context.Response.WriteAsync("ok");
        });
        return recording;
    }

    /// <summary>A dynamic configuration routing every request on every entry point to this backend.</summary>
    public string CatchAllYaml(string rule = "PathPrefix(`/`)") => $"""
        http:
          routers:
            all:
              rule: "{rule}"
              service: backend
          services:
            backend:
              loadBalancer:
                servers:
                  - url: "{Url}"
        """;

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Portico.Middlewares.Headers;

/// <summary>One header to set, or to remove when the configured value is empty (Traefik's rule).</summary>
internal readonly record struct HeaderEdit(string Name, StringValues Value)
{
    public bool Remove => StringValues.IsNullOrEmpty(Value);

    public static HeaderEdit[] From(IReadOnlyDictionary<string, string> headers) =>
        headers.Select(h => new HeaderEdit(h.Key, h.Value)).ToArray();
}

/// <summary>Sets or removes request headers before the next handler and response headers just before they are sent.</summary>
internal sealed class HeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly HeaderEdit[] _request;
    private readonly HeaderEdit[] _response;
    private readonly Func<object, Task> _applyResponse;

    public HeadersMiddleware(RequestDelegate next, HeaderEdit[] request, HeaderEdit[] response)
    {
        _next = next;
        _request = request;
        _response = response;
        _applyResponse = ApplyResponse;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        foreach (var edit in _request)
        {
            if (edit.Remove)
            {
                headers.Remove(edit.Name);
            }
            else if (edit.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                // As in Traefik, a custom Host header changes the host the backend sees.
                context.Request.Host = new HostString(edit.Value.ToString());
            }
            else
            {
                headers[edit.Name] = edit.Value;
            }
        }

        if (_response.Length > 0)
        {
            context.Response.OnStarting(_applyResponse, context);
        }

        return _next(context);
    }

    private Task ApplyResponse(object state)
    {
        var headers = ((HttpContext)state).Response.Headers;
        foreach (var edit in _response)
        {
            if (edit.Remove)
            {
                headers.Remove(edit.Name);
            }
            else
            {
                headers[edit.Name] = edit.Value;
            }
        }

        return Task.CompletedTask;
    }
}

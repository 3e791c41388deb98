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

/// <summary>
/// Traefik's <c>headers</c> middleware: CORS preflight answers, custom request headers, the security checks, and the
/// response headers (security, then custom, then CORS) set just before the response starts, so they also apply to
/// responses Portico writes itself (502, 503, ...). Traefik layers a CORS/custom handler over a security handler; this
/// class runs the same steps in the same order.
/// </summary>
internal sealed class HeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly HeaderEdit[] _request;
    private readonly HeaderEdit[] _response;
    private readonly CorsPolicy? _cors;
    private readonly SecurityPolicy? _security;
    private readonly bool _hasOuterResponseWork;
    private readonly Func<object, Task> _applyOuter;
    private readonly Func<object, Task> _applyPlain;
    private readonly Func<object, Task> _applySsl;
    private readonly Func<object, Task> _applyWithNonce;

    public HeadersMiddleware(RequestDelegate next, HeaderEdit[] request, HeaderEdit[] response, CorsPolicy? cors, SecurityPolicy? security)
    {
        _next = next;
        _request = request;
        _response = response;
        _cors = cors;
        _security = security;
        _hasOuterResponseWork = response.Length > 0 || cors is not null;

        // The callbacks are built once; per request only the state object (the HttpContext) is passed.
        _applyOuter = state => ApplyResponse((HttpContext)state, null, null);
        _applyPlain = state => ApplyResponse((HttpContext)state, _security!.PlainHeaders, null);
        _applySsl = state => ApplyResponse((HttpContext)state, _security!.SslHeaders, null);
        _applyWithNonce = state =>
        {
            var nonced = (NoncedRequest)state;
            return ApplyResponse(nonced.Context, nonced.Ssl ? _security!.SslHeaders : _security!.PlainHeaders, nonced.Nonce);
        };
    }

    /// <summary>
    /// 1. A CORS preflight is answered here with 200 and never reaches the backend (nor the host check, as in Traefik).
    /// 2. Custom request headers are set or removed; they are visible to the security checks that follow.
    /// 3. A host outside <c>allowedHosts</c> gets 500 "Bad Host" (with the custom and CORS response headers only).
    /// 4. The response headers are registered for when the response starts, and the request goes on.
    /// </summary>
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (_cors is not null && CorsPolicy.IsPreflight(request))
        {
            _cors.AnswerPreflight(context);
            return Task.CompletedTask;
        }

        if (_request.Length > 0)
        {
            ApplyRequestEdits(context);
        }

        if (_security is null)
        {
            if (_hasOuterResponseWork)
            {
                context.Response.OnStarting(_applyOuter, context);
            }

            return _next(context);
        }

        if (!_security.IsAllowedHost(request))
        {
            if (_hasOuterResponseWork)
            {
                context.Response.OnStarting(_applyOuter, context);
            }

            return SecurityPolicy.RejectHostAsync(context.Response);
        }

        var ssl = _security.DependsOnSsl && _security.IsSsl(request);
        if (_security.NeedsNonce)
        {
            context.Response.OnStarting(_applyWithNonce, new NoncedRequest(context, ssl, SecurityPolicy.NewNonce()));
        }
        else
        {
            context.Response.OnStarting(ssl ? _applySsl : _applyPlain, context);
        }

        return _next(context);
    }

    private void ApplyRequestEdits(HttpContext context)
    {
        var headers = context.Request.Headers;
        foreach (var edit in _request)
        {
            if (edit.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                // As in Traefik, a custom Host header changes the host the backend sees, and an empty one changes nothing
                // (Go keeps the host outside the header map, so deleting the header there leaves it in place).
                if (!edit.Remove)
                {
                    context.Request.Host = new HostString(edit.Value.ToString());
                }
            }
            else if (edit.Remove)
            {
                headers.Remove(edit.Name);
            }
            else
            {
                headers[edit.Name] = edit.Value;
            }
        }
    }

    /// <summary>
    /// Security headers go first and custom response headers after them, so a custom header can override or remove a
    /// security one, as in Traefik where the custom handler wraps the security handler; CORS headers come last.
    /// </summary>
    private Task ApplyResponse(HttpContext context, SecurityHeader[]? security, string? nonce)
    {
        var headers = context.Response.Headers;
        if (security is not null)
        {
            SecurityPolicy.Apply(security, headers, nonce);
        }

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

        _cors?.ApplyToResponse(context.Request, headers);
        return Task.CompletedTask;
    }

    /// <summary>Per-request state, allocated only when a CSP uses <c>$NONCE</c>.</summary>
    private sealed record NoncedRequest(HttpContext Context, bool Ssl, string Nonce);
}

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Portico.Middlewares.Errors;

/// <summary>
/// Turns the client's request into the GET sent to the error service, as Traefik does: the path and query come from
/// <c>query</c> with its placeholders filled, the client's headers are kept (all of them, or those listed in
/// <c>errorRequestHeaders</c>), the body is dropped. <see cref="Restore"/> puts the original request back for logging.
/// </summary>
internal sealed class ErrorPageRequest(string? query, string[]? keptHeaders)
{
    public Saved Apply(HttpContext context, int status, int originalStatus)
    {
        var request = context.Request;
        var saved = new Saved(request.Method, request.PathBase, request.Path, request.QueryString, context.Features.Get<IHttpRequestBodyDetectionFeature>(), request.Body);

        var target = Expand(request, status, originalStatus);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        request.Method = HttpMethods.Get;
        request.PathBase = PathString.Empty;
        request.Path = PathString.FromUriComponent(question < 0 ? target : target[..question]);
        request.QueryString = question < 0 ? QueryString.Empty : new QueryString(target[question..]);

        // The error page request has no body, whatever the original had.
        request.Headers.Remove(HeaderNames.ContentLength);
        request.Headers.Remove(HeaderNames.TransferEncoding);
        request.Body = Stream.Null;
        context.Features.Set<IHttpRequestBodyDetectionFeature>(NoBody.Instance);
        if (keptHeaders is not null)
        {
            foreach (var name in request.Headers.Keys.ToArray())
            {
                if (!name.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase) && Array.FindIndex(keptHeaders, h => h.Equals(name, StringComparison.OrdinalIgnoreCase)) < 0)
                {
                    request.Headers.Remove(name);
                }
            }
        }

        return saved;
    }

    /// <summary>The path and query for the service: Traefik prefixes <c>/</c> and fills the placeholders.</summary>
    public string Expand(HttpRequest request, int status, int originalStatus)
    {
        if (string.IsNullOrEmpty(query))
        {
            return "/";
        }

        var target = "/" + query.TrimStart('/');
        target = target.Replace("{status}", status.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{originalStatus}", originalStatus.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (target.Contains("{url}", StringComparison.Ordinal))
        {
            // Go's url.QueryEscape of the request URI (path and query, as Go's server sees req.URL).
            var url = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
            target = target.Replace("{url}", Uri.EscapeDataString(url).Replace("%20", "+", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        return target;
    }

    public static void Restore(HttpContext context, Saved saved)
    {
        var request = context.Request;
        request.Method = saved.Method;
        request.PathBase = saved.PathBase;
        request.Path = saved.Path;
        request.QueryString = saved.Query;
        request.Body = saved.Body;
        context.Features.Set(saved.BodyDetection);
    }

    internal readonly record struct Saved(string Method, PathString PathBase, PathString Path, QueryString Query, IHttpRequestBodyDetectionFeature? BodyDetection, Stream Body);

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly NoBody Instance = new();

        public bool CanHaveBody => false;
    }
}

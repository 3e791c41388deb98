using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Portico.Middlewares.Compress;

/// <summary>
/// Traefik's <c>compress</c>: negotiates gzip, br or zstd from <c>Accept-Encoding</c> and compresses the response as it
/// streams (see <see cref="CompressingBody"/>). HEAD requests and requests whose own content type is excluded
/// (<c>application/grpc</c> always is) go through untouched, as in Traefik.
/// </summary>
internal sealed class CompressMiddleware
{
    private readonly RequestDelegate _next;
    private readonly string[] _encodings;
    private readonly AcceptEncoding _negotiation;
    private readonly ContentTypeSet _excluded;
    private readonly ContentTypeSet _included;

    public CompressMiddleware(RequestDelegate next, string[] encodings, string? defaultEncoding, ContentTypeSet excluded, ContentTypeSet included, int minSize)
    {
        _next = next;
        _encodings = encodings;
        _negotiation = new AcceptEncoding(encodings, defaultEncoding);
        _excluded = excluded;
        _included = included;
        MinSize = minSize;
    }

    public int MinSize { get; }

    public string EncodingName(int index) => _encodings[index];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsHead(request.Method))
        {
            return _next(context);
        }

        if (request.ContentType is { } requestType && MediaTypeHeaderValue.TryParse(requestType, out var parsed) && _excluded.ContainsMediaType(parsed.MediaType))
        {
            return _next(context);
        }

        var present = request.Headers.TryGetValue(HeaderNames.AcceptEncoding, out var acceptEncoding);
        var encoding = _negotiation.Choose(acceptEncoding, present);
        return encoding == AcceptEncoding.Identity ? _next(context) : CompressAsync(context, encoding);
    }

    public bool AllowsResponseType(MediaTypeHeaderValue contentType) =>
        _included.Count > 0 ? _included.Matches(contentType) : !_excluded.Matches(contentType);

    /// <summary>Adds <c>Vary: Accept-Encoding</c> unless the response already varies on it.</summary>
    public static void AddVary(IHeaderDictionary headers)
    {
        var vary = headers.Vary;
        foreach (var value in vary)
        {
            if (value is not null && (value.Contains(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase) || value.Trim() == "*"))
            {
                return;
            }
        }

        headers.Vary = Microsoft.Extensions.Primitives.StringValues.Concat(vary, HeaderNames.AcceptEncoding);
    }

    private async Task CompressAsync(HttpContext context, int encoding)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var body = new CompressingBody(context, original, this, encoding);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await _next(context).ConfigureAwait(false);
            await body.FinishAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(original);
            body.Release();
        }
    }
}

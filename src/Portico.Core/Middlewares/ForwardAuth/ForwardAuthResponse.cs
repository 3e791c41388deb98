using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Portico.Middlewares.ForwardAuth;

/// <summary>What the authentication server's answer does to the client response or to the request going on.</summary>
internal static class ForwardAuthResponse
{
    /// <summary>Hop-by-hop headers Traefik drops from a denial (Content-Length is set from the body instead).</summary>
    private static readonly FrozenSet<string> s_hopHeaders = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "Connection", "Keep-Alive", "TE", "Trailer", "Trailers", "Transfer-Encoding", "Upgrade", "Content-Length");

    public static string? First(HttpResponseMessage answer, string name) =>
        answer.Headers.TryGetValues(name, out var values) || answer.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    /// <summary>Returns the denial as it is; a relative Location is made absolute against the server address unless preserveLocationHeader.</summary>
    public static Task WriteDeniedAsync(HttpContext context, HttpResponseMessage answer, byte[] body, ForwardAuthSettings settings)
    {
        var response = context.Response;
        var headers = response.Headers;
        foreach (var (name, values) in AllHeaders(answer))
        {
            if (!s_hopHeaders.Contains(name))
            {
                headers.Append(name, values.ToArray());
            }
        }

        if (!settings.PreserveLocationHeader && First(answer, HeaderNames.Location) is { Length: > 0 } location)
        {
            if (!Uri.TryCreate(settings.Address, location, out var absolute))
            {
                response.StatusCode = StatusCodes.Status500InternalServerError;
                headers.Clear();
                return Task.CompletedTask;
            }

            headers.Location = absolute.AbsoluteUri;
        }

        response.StatusCode = (int)answer.StatusCode;
        response.ContentLength = body.Length;
        return body.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }

    /// <summary>authResponseHeaders replace the request's headers of that name; authResponseHeadersRegex first strips every match.</summary>
    public static void CopyAuthHeaders(IHeaderDictionary request, HttpResponseMessage answer, ForwardAuthSettings settings)
    {
        foreach (var name in settings.AuthResponseHeaders)
        {
            request.Remove(name);
            if (answer.Headers.TryGetValues(name, out var values) || answer.Content.Headers.TryGetValues(name, out values))
            {
                request[name] = new StringValues(values.ToArray());
            }
        }

        if (settings.AuthResponseHeadersRegex is not { } regex)
        {
            return;
        }

        List<string>? stripped = null;
        foreach (var name in request.Keys)
        {
            if (regex.IsMatch(GoHeaderKey.Canonical(name)))
            {
                (stripped ??= []).Add(name);
            }
        }

        if (stripped is not null)
        {
            foreach (var name in stripped)
            {
                request.Remove(name);
            }
        }

        foreach (var (name, values) in AllHeaders(answer))
        {
            // Content-Length describes the auth server's body, never the request going on.
            var canonical = GoHeaderKey.Canonical(name);
            if (regex.IsMatch(canonical) && !canonical.Equals("Content-Length", StringComparison.Ordinal))
            {
                request[canonical] = new StringValues(values.ToArray());
            }
        }
    }

    /// <summary>
    /// addAuthCookiesToResponse: when the response starts, backend cookies with a listed name are replaced by the
    /// authentication server's cookies of those names.
    /// </summary>
    public static void AddAuthCookies(HttpContext context, HttpResponseMessage answer, FrozenSet<string> names)
    {
        if (names.Count == 0 || !answer.Headers.TryGetValues(HeaderNames.SetCookie, out var cookies))
        {
            return;
        }

        var listed = new List<string>();
        foreach (var cookie in cookies)
        {
            if (names.Contains(CookieName(cookie)))
            {
                listed.Add(cookie);
            }
        }

        context.Response.OnStarting(static state =>
        {
            var (response, names, listed) = ((HttpResponse, FrozenSet<string>, List<string>))state;
            var kept = new List<string>();
            foreach (var cookie in response.Headers.SetCookie)
            {
                if (cookie is not null && !names.Contains(CookieName(cookie)))
                {
                    kept.Add(cookie);
                }
            }

            kept.AddRange(listed);
            response.Headers.SetCookie = kept.Count == 0 ? StringValues.Empty : new StringValues(kept.ToArray());
            return Task.CompletedTask;
        }, (context.Response, names, listed));
    }

    private static string CookieName(string setCookie)
    {
        var end = setCookie.IndexOfAny(['=', ';']);
        return (end < 0 ? setCookie : setCookie[..end]).Trim();
    }

    private static IEnumerable<KeyValuePair<string, IEnumerable<string>>> AllHeaders(HttpResponseMessage answer) =>
        answer.Headers.Concat(answer.Content.Headers);
}

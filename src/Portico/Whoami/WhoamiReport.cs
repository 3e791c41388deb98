using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Cli.Whoami;

/// <summary>
/// Writes what the backend saw of a request, in the two shapes of Traefik's whoami: plain text for
/// <c>/</c> and JSON for <c>/api</c>. Tests and users read these to check what a proxy forwarded.
/// </summary>
internal static class WhoamiReport
{
    /// <summary>
    /// The text report. Like Go's <c>Request.Write</c>, the request part (request line, <c>Host</c>,
    /// headers, blank line, body) uses CRLF line ends, while the lines about the backend use LF.
    /// </summary>
    public static async Task WriteTextAsync(HttpContext context, WhoamiIdentity identity)
    {
        var request = context.Request;
        var text = new StringBuilder(512);
        if (identity.Name is not null)
        {
            text.Append("Name: ").Append(identity.Name).Append('\n');
        }

        text.Append("Hostname: ").Append(identity.Hostname).Append('\n');
        foreach (var ip in identity.IPs)
        {
            text.Append("IP: ").Append(ip).Append('\n');
        }

        text.Append("RemoteAddr: ").Append(RemoteAddr(context)).Append('\n');
        text.Append(request.Method).Append(' ').Append(Target(context)).Append(' ').Append(request.Protocol).Append("\r\n");
        text.Append("Host: ").Append(request.Host.Value).Append("\r\n");
        foreach (var (name, values) in request.Headers)
        {
            if (IsHost(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                text.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        text.Append("\r\n");

        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(text.ToString(), context.RequestAborted);

        // Go's Request.Write copies the body after the headers, so a POST shows what was sent.
        await request.Body.CopyToAsync(response.Body, context.RequestAborted);
    }

    /// <summary>The JSON report, with Traefik's whoami field names.</summary>
    public static async Task WriteJsonAsync(HttpContext context, WhoamiIdentity identity)
    {
        var request = context.Request;
        var response = context.Response;
        response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("hostname", identity.Hostname);
            json.WriteStartArray("ip");
            foreach (var ip in identity.IPs)
            {
                json.WriteStringValue(ip);
            }

            json.WriteEndArray();
            json.WriteStartObject("headers");
            foreach (var (name, values) in request.Headers)
            {
                if (IsHost(name))
                {
                    continue;
                }

                json.WriteStartArray(name);
                foreach (var value in values)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteString("url", Target(context));
            json.WriteString("host", request.Host.Value);
            json.WriteString("method", request.Method);
            if (identity.Name is not null)
            {
                json.WriteString("name", identity.Name);
            }

            json.WriteString("remoteAddr", RemoteAddr(context));
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>The request target exactly as received (path and query, still escaped).</summary>
    private static string Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) ? context.Request.Path + context.Request.QueryString : raw;
    }

    private static string RemoteAddr(HttpContext context)
    {
        var connection = context.Connection;
        return connection.RemoteIpAddress is { } ip
            ? new IPEndPoint(ip, connection.RemotePort).ToString()
            : string.Empty;
    }

    /// <summary>Kestrel surfaces HTTP/2's <c>:authority</c> as <c>Host</c>; it is printed on its own line.</summary>
    private static bool IsHost(string name) => string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase);
}

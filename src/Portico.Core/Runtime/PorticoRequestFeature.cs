using Microsoft.AspNetCore.Http;

namespace Portico.Runtime;

/// <summary>Per-request state shared by routing, middlewares, services and logging, stored in <see cref="HttpContext.Features"/>.</summary>
public sealed class PorticoRequestFeature
{
    public required string EntryPoint { get; init; }

    public string? RouterName { get; set; }

    public string? ServiceName { get; set; }

    /// <summary>The server URL the request was sent to, for logs and sticky cookies.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>How many times the request was retried.</summary>
    public int RetryAttempts { get; set; }

    /// <summary>The user an authentication middleware accepted, for the access log (Traefik's <c>ClientUsername</c>).</summary>
    public string? ClientUsername { get; set; }

    /// <summary>
    /// Set when the access log records this request: services then fill in the origin fields below, which no one
    /// else reads, so an unlogged request costs a flag check.
    /// </summary>
    public bool RecordOrigin { get; set; }

    /// <summary>The router or its internal service turned the access log off for this request.</summary>
    public bool SkipAccessLog { get; set; }

    /// <summary>The status the service answered with (Traefik's <c>OriginStatus</c>); 0 when no service answered.</summary>
    public int OriginStatus { get; set; }

    /// <summary>How long the server took, from sending the request to the end of its response body.</summary>
    public TimeSpan OriginDuration { get; set; }

    /// <summary>Bytes of response body the server sent.</summary>
    public long OriginContentSize { get; set; }

    public static PorticoRequestFeature? Get(HttpContext context) => context.Features.Get<PorticoRequestFeature>();
}

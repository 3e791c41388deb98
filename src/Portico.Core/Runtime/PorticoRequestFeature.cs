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

    public static PorticoRequestFeature? Get(HttpContext context) => context.Features.Get<PorticoRequestFeature>();
}

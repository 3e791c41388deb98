using Portico.Services.LoadBalancing;

namespace Portico.Services.Health;

/// <summary>One active health probe of one server. Returns null when healthy, otherwise why not.</summary>
internal interface IHealthProbe
{
    Task<string?> ProbeAsync(ServerState server, CancellationToken cancellationToken);
}

/// <summary>Builds the probe target from the server URL and the <c>healthCheck</c> options, as Traefik does.</summary>
internal static class ProbeTarget
{
    public static Uri Build(Uri server, string? scheme, int port, string? path)
    {
        var target = new Uri(server, path ?? string.Empty);
        var builder = new UriBuilder(target);
        if (target.IsDefaultPort)
        {
            // Keep "the scheme's default port" rather than pinning the old scheme's number (http:80 -> https:443).
            builder.Port = -1;
        }

        if (!string.IsNullOrEmpty(scheme))
        {
            builder.Scheme = scheme;
        }

        // h2c is a server scheme meaning cleartext HTTP/2: the wire scheme is http.
        if (string.Equals(builder.Scheme, "h2c", StringComparison.OrdinalIgnoreCase))
        {
            builder.Scheme = Uri.UriSchemeHttp;
        }

        if (port > 0)
        {
            builder.Port = port;
        }

        return builder.Uri;
    }
}

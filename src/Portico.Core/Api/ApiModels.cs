using Portico.Configuration.Static;
using Portico.Runtime;

namespace Portico.Api;

/// <summary>The JSON shapes of Traefik's API (field names as Traefik writes them).</summary>
internal static class ApiModels
{
    public static object Router(RouterInfo r) => new
    {
        r.EntryPoints,
        r.Middlewares,
        r.Service,
        r.Rule,
        r.RuleSyntax,
        r.Priority,
        Tls = r.Tls ? new { } : null,
        r.Status,
        Error = r.Errors.Count > 0 ? r.Errors.Select(e => e.Message).ToArray() : null,
        Using = r.Status == ItemStatus.Disabled ? null : r.EntryPoints,
        r.Name,
        r.Provider,
    };

    /// <summary>A TCP router as Traefik shows it (<c>/api/tcp/routers</c>).</summary>
    public static object TcpRouter(TcpRouterInfo r) => new
    {
        r.EntryPoints,
        Middlewares = r.Middlewares.Count > 0 ? r.Middlewares : null,
        r.Service,
        r.Rule,
        r.RuleSyntax,
        r.Priority,
        r.Tls,
        r.Status,
        Error = r.Errors.Count > 0 ? r.Errors.Select(e => e.Message).ToArray() : null,
        Using = r.Status == ItemStatus.Disabled ? null : r.EntryPoints,
        r.Name,
        r.Provider,
    };

    /// <summary>A TCP service as Traefik shows it (<c>/api/tcp/services</c>).</summary>
    public static object TcpService(ServiceInfo s, RuntimeSnapshot snapshot) => new
    {
        LoadBalancer = s.TcpConfig?.LoadBalancer,
        Weighted = s.TcpConfig?.Weighted,
        s.Status,
        Error = s.Errors.Count > 0 ? s.Errors.Select(e => e.Message).ToArray() : null,
        UsedBy = s.UsedBy,
        ServerStatus = TcpServerStatus(snapshot.TcpServices.GetValueOrDefault(s.Name)),
        s.Name,
        s.Provider,
        s.Type,
    };

    /// <summary>A UDP router as Traefik shows it (<c>/api/udp/routers</c>): <c>using</c> lists the entry points it serves.</summary>
    public static object UdpRouter(UdpRouterInfo r) => new
    {
        r.EntryPoints,
        r.Service,
        r.Status,
        Error = r.Errors.Count > 0 ? r.Errors.Select(e => e.Message).ToArray() : null,
        Using = r.Status == ItemStatus.Disabled ? null : r.Using,
        r.Name,
        r.Provider,
    };

    /// <summary>A UDP service as Traefik shows it (<c>/api/udp/services</c>).</summary>
    public static object UdpService(ServiceInfo s) => new
    {
        LoadBalancer = s.UdpConfig?.LoadBalancer,
        Weighted = s.UdpConfig?.Weighted,
        s.Status,
        Error = s.Errors.Count > 0 ? s.Errors.Select(e => e.Message).ToArray() : null,
        UsedBy = s.UsedBy,
        s.Name,
        s.Provider,
        s.Type,
    };

    /// <summary>
    /// A service as Traefik shows it, with <c>serverStatus</c> (server URL to <c>UP</c>/<c>DOWN</c>) read from the live
    /// load balancer of <paramref name="snapshot"/>, so health-check verdicts are visible.
    /// </summary>
    public static object Service(ServiceInfo s, RuntimeSnapshot snapshot) => new
    {
        LoadBalancer = s.Config?.LoadBalancer,
        Weighted = s.Config?.Weighted,
        Mirroring = s.Config?.Mirroring,
        Failover = s.Config?.Failover,
        s.Status,
        Error = s.Errors.Count > 0 ? s.Errors.Select(e => e.Message).ToArray() : null,
        UsedBy = s.UsedBy,
        ServerStatus = ServerStatus(snapshot.Services.GetValueOrDefault(s.Name)),
        s.Name,
        s.Provider,
        s.Type,
    };

    /// <summary>A TCP load balancer's <c>serverStatus</c>: server address to <c>UP</c>/<c>DOWN</c> from its health checks.</summary>
    private static Dictionary<string, string>? TcpServerStatus(Tcp.Services.ITcpService? service)
    {
        if (service is not Tcp.Services.TcpLoadBalancer balancer)
        {
            return null;
        }

        var status = new Dictionary<string, string>(balancer.Health.Count, StringComparer.Ordinal);
        foreach (var server in balancer.Health)
        {
            status[server.Address] = server.IsHealthy ? "UP" : "DOWN";
        }

        return status;
    }

    private static Dictionary<string, string>? ServerStatus(Services.IHttpService? service)
    {
        if ((service is Services.MiddlewareService withMiddlewares ? withMiddlewares.Inner : service) is not Services.LoadBalancerService balancer)
        {
            return null;
        }

        var status = new Dictionary<string, string>(balancer.Servers.Count, StringComparer.Ordinal);
        foreach (var server in balancer.Servers)
        {
            status[server.UrlText] = server.IsHealthy ? "UP" : "DOWN";
        }

        return status;
    }

    public static object Middleware(MiddlewareInfo m) => new
    {
        m.Type,
        m.Status,
        Error = m.Errors.Count > 0 ? m.Errors.Select(e => e.Message).ToArray() : null,
        UsedBy = m.UsedBy,
        m.Name,
        m.Provider,
    };

    /// <summary>A certificate of the TLS store (<c>/api/certificates</c>, Traefik 3.7): names, validity and issuer.</summary>
    public static object Certificate(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) => new
    {
        Sans = Tls.CertificateLoader.Names(certificate).ToArray(),
        certificate.Subject,
        certificate.Issuer,
        certificate.SerialNumber,
        NotBefore = certificate.NotBefore.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        NotAfter = certificate.NotAfter.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// One domain set of an ACME resolver (<c>/api/acme</c>, Portico's own): its certificate's state and the last
    /// error with the CA's problem document, so a failing issuance is visible without reading logs.
    /// </summary>
    public static object AcmeDomain(Providers.Acme.AcmeDomainStatus s) => new
    {
        s.Resolver,
        s.Domains,
        s.Status,
        NotAfter = Time(s.NotAfter),
        RenewAt = Time(s.RenewAt),
        LastError = s.LastError is { } e ? new { e.Type, e.Detail, e.Status, Time = Time(e.Time) } : null,
        NextRetry = Time(s.NextRetry),
    };

    private static string? Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public static object Counts(IEnumerable<string> statuses)
    {
        int total = 0, warnings = 0, errors = 0;
        foreach (var status in statuses)
        {
            total++;
            if (status == ItemStatus.Warning)
            {
                warnings++;
            }
            else if (status == ItemStatus.Disabled)
            {
                errors++;
            }
        }

        return new { Total = total, Warnings = warnings, Errors = errors };
    }

    internal sealed record EntryPointModel(
        string Name,
        string? Address,
        bool AsDefault,
        EntryPointTransportConfig Transport,
        ForwardedHeadersConfig ForwardedHeaders,
        EntryPointHttpConfig Http);
}

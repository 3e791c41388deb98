using Microsoft.AspNetCore.Http;

namespace Portico.Services;

/// <summary>
/// A service with its own middlewares (Traefik 3.7 <c>http.services.&lt;s&gt;.middlewares</c>): they run whenever this
/// service handles a request, whether a router or a parent service (weighted, mirroring, failover) chose it.
/// Health is the inner service's.
/// </summary>
internal sealed class MiddlewareService : IHealthReportingService
{
    private readonly RequestDelegate _pipeline;

    public MiddlewareService(IHttpService inner, Func<RequestDelegate, RequestDelegate>[] middlewares)
    {
        Inner = inner;
        RequestDelegate pipeline = inner.HandleAsync;
        for (var i = middlewares.Length - 1; i >= 0; i--)
        {
            pipeline = middlewares[i](pipeline);
        }

        _pipeline = pipeline;
    }

    event Action<IHttpService, bool>? IHealthReportingService.HealthChanged
    {
        add
        {
            if (Inner is IHealthReportingService reporting)
            {
                reporting.HealthChanged += value;
            }
        }

        remove
        {
            if (Inner is IHealthReportingService reporting)
            {
                reporting.HealthChanged -= value;
            }
        }
    }

    /// <summary>The service the middlewares lead to (the API reads a load balancer's servers through it).</summary>
    public IHttpService Inner { get; }

    public string Name => Inner.Name;

    public bool IsHealthy => Inner.IsHealthy;

    public Task HandleAsync(HttpContext context) => _pipeline(context);
}

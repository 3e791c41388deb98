namespace Portico.Services;

/// <summary>
/// A service whose <see cref="IHttpService.IsHealthy"/> can change at run time. Parents (weighted, failover),
/// metrics and the API subscribe to follow it, as Traefik's status updaters do.
/// </summary>
internal interface IHealthReportingService : IHttpService
{
    /// <summary>Raised after <see cref="IHttpService.IsHealthy"/> flipped, with the service and its new value.</summary>
    event Action<IHttpService, bool>? HealthChanged;
}

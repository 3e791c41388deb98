using Microsoft.AspNetCore.Http;

namespace Portico.Services;

/// <summary>
/// A built HTTP service: a load-balanced pool, or a composite (weighted, mirroring, failover) over child services.
/// Built once per configuration; stateful parts are carried across reloads by the builder.
/// </summary>
public interface IHttpService
{
    /// <summary>The qualified name, for example <c>whoami@file</c>.</summary>
    string Name { get; }

    /// <summary>Whether at least one server behind this service is up (drives weighted and failover parents).</summary>
    bool IsHealthy { get; }

    /// <summary>Handles the request. Errors become a response status here, never an exception.</summary>
    Task HandleAsync(HttpContext context);
}

using Microsoft.AspNetCore.Http;
using Portico.Services;

namespace Portico.Runtime;

/// <summary>
/// A service reference resolved at request time: what a service's own middlewares get for the services they name,
/// because the build that makes those services is still running when the middlewares are created.
/// </summary>
internal sealed class DeferredService(string name, Func<IHttpService?> resolve) : IHttpService
{
    public string Name => name;

    public bool IsHealthy => resolve()?.IsHealthy ?? false;

    public Task HandleAsync(HttpContext context)
    {
        if (resolve() is { } service)
        {
            return service.HandleAsync(context);
        }

        // The service exists in the configuration but could not be built: answer as a missing service does.
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Http;
using Portico.Services;

namespace Portico.Api;

/// <summary><c>noop@internal</c>: the service of routers whose middlewares always answer (redirections).</summary>
internal sealed class NoopService : IHttpService
{
    public string Name => "noop@internal";

    public bool IsHealthy => true;

    public Task HandleAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status418ImATeapot;
        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Http;
using Portico.Services;

namespace Portico.Api;

/// <summary>
/// <c>dashboard@internal</c>: a single self-contained page under <c>/dashboard/</c> that lists routers, services and
/// middlewares from the API, with their status and errors. <c>/</c> and <c>/dashboard</c> redirect to <c>/dashboard/</c>.
/// </summary>
internal sealed class DashboardService : IHttpService
{
    private readonly string _basePath;

    public DashboardService(string basePath)
    {
        _basePath = basePath.TrimEnd('/');
    }

    public string Name => "dashboard@internal";

    public bool IsHealthy => true;

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == _basePath + "/dashboard/" || path == _basePath + "/dashboard/index.html")
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(DashboardPage.Html.Replace("{{BASE}}", _basePath, StringComparison.Ordinal));
        }

        if (path == _basePath + "/" || path == _basePath || path == _basePath + "/dashboard")
        {
            context.Response.Redirect(_basePath + "/dashboard/", permanent: false);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsync("404 page not found\n");
    }
}

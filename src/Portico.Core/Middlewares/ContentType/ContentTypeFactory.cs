using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portico.Middlewares.ContentType;

internal sealed partial class ContentTypeFactory : IMiddlewareFactory
{
    public string TypeName => "contentType";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<ContentTypeOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (options.AutoDetect is { } autoDetect)
        {
            LogDeprecated(context.LoggerFactory.CreateLogger<ContentTypeFactory>(), context.Name);
            if (!autoDetect)
            {
                return next => next;
            }
        }

        return next => new ContentTypeMiddleware(next).InvokeAsync;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Middleware {Name}: the autoDetect option of contentType is deprecated; the middleware alone enables Content-Type detection, please remove the option.")]
    private static partial void LogDeprecated(ILogger logger, string name);
}

using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.GrpcWeb;

internal sealed class GrpcWebFactory : IMiddlewareFactory
{
    public string TypeName => "grpcWeb";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<GrpcWebOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var any = options.AllowOrigins.Contains("*");
        var origins = options.AllowOrigins.Where(o => o != "*").ToHashSet(StringComparer.Ordinal);
        return next => new GrpcWebMiddleware(next, any, origins).InvokeAsync;
    }
}

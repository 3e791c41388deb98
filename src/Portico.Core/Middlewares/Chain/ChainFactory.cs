using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.Chain;

/// <summary>
/// Builds <c>chain</c>: each referenced middleware (plain names are in the chain's provider) is built anew for the router,
/// and they run in the order listed. A missing or invalid member, or a chain that contains itself, disables the chain.
/// </summary>
internal sealed class ChainFactory : IMiddlewareFactory
{
    public string TypeName => "chain";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<ChainOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var members = new List<Func<RequestDelegate, RequestDelegate>>(options.Middlewares.Count);
        foreach (var reference in options.Middlewares)
        {
            var name = context.Qualify(reference);
            var member = context.ResolveMiddleware(name);
            if (member is null)
            {
                context.Error($"middleware \"{name}\" of the chain does not exist or is invalid");
                continue;
            }

            members.Add(member);
        }

        if (context.HasErrors)
        {
            return null;
        }

        var chain = members.ToArray();
        return next =>
        {
            for (var i = chain.Length - 1; i >= 0; i--)
            {
                next = chain[i](next);
            }

            return next;
        };
    }
}

using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.BasicAuth;

internal sealed class BasicAuthFactory : IMiddlewareFactory
{
    public string TypeName => "basicAuth";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<BasicAuthOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var entries = UserList.Load(options.Users, options.UsersFile, context);
        if (entries is null)
        {
            return null;
        }

        var users = new Dictionary<string, HtpasswdHash>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            // Traefik splits on every ':' and wants exactly two parts, so a name or hash containing ':' is refused there too.
            var parts = entry.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                context.Error($"user \"{UserList.NameOf(entry)}\": basicAuth users are written name:hash");
                continue;
            }

            var hash = HtpasswdHash.Parse(parts[1], out var error);
            if (hash is null)
            {
                context.Error($"user \"{parts[0]}\": {error}");
                continue;
            }

            users[parts[0]] = hash;
        }

        if (context.HasErrors)
        {
            return null;
        }

        if (users.Count == 0)
        {
            context.Error("basicAuth needs at least one user in users or usersFile");
            return null;
        }

        var settings = new BasicAuthSettings(users, options.Realm, options.RemoveHeader, string.IsNullOrEmpty(options.HeaderField) ? null : options.HeaderField);
        var time = context.Time;
        return next => new BasicAuthMiddleware(next, settings, new VerifiedPasswords(time)).InvokeAsync;
    }
}

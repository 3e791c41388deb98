using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Portico.Middlewares.BasicAuth;

namespace Portico.Middlewares.DigestAuth;

internal sealed class DigestAuthFactory : IMiddlewareFactory
{
    public string TypeName => "digestAuth";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<DigestAuthOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var entries = UserList.Load(options.Users, options.UsersFile, context);
        if (entries is null)
        {
            return null;
        }

        // Keyed by "name:realm" as Traefik does; only the configured realm is ever looked up.
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var parts = entry.Split(':');
            if (parts.Length != 3 || parts[0].Length == 0)
            {
                context.Error($"user \"{UserList.NameOf(entry)}\": digestAuth users are written name:realm:hash, as htdigest writes them");
                continue;
            }

            if (parts[2].Length != 32 || !IsHex(parts[2]))
            {
                context.Error($"user \"{parts[0]}\": the digest hash must be 32 hexadecimal characters (MD5 of name:realm:password, as htdigest writes it)");
                continue;
            }

            users[parts[0] + ":" + parts[1]] = parts[2].ToLowerInvariant();
        }

        if (context.HasErrors)
        {
            return null;
        }

        if (users.Count == 0)
        {
            context.Error("digestAuth needs at least one user in users or usersFile");
            return null;
        }

        var settings = new DigestAuthSettings(users, options.Realm, options.RemoveHeader, string.IsNullOrEmpty(options.HeaderField) ? null : options.HeaderField);
        var time = context.Time;
        return next => new DigestAuthMiddleware(next, settings, new DigestNonces(time), Convert.ToBase64String(RandomNumberGenerator.GetBytes(12))).InvokeAsync;
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

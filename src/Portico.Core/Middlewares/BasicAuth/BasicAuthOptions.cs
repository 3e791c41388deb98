namespace Portico.Middlewares.BasicAuth;

/// <summary>Traefik <c>basicAuth</c> options.</summary>
internal sealed record BasicAuthOptions
{
    /// <summary><c>name:hash</c> entries, added after those of <see cref="UsersFile"/> (a name given twice keeps the last).</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>A file with one <c>name:hash</c> per line; blank lines and lines starting with <c>#</c> are skipped.</summary>
    public string? UsersFile { get; init; }

    public string Realm { get; init; } = "traefik";

    /// <summary>Removes the Authorization header before the request goes on.</summary>
    public bool RemoveHeader { get; init; }

    /// <summary>A request header that receives the authenticated user name.</summary>
    public string? HeaderField { get; init; }
}

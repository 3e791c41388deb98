namespace Portico.Middlewares.DigestAuth;

/// <summary>Traefik <c>digestAuth</c> options.</summary>
internal sealed record DigestAuthOptions
{
    /// <summary><c>name:realm:md5(name:realm:password)</c> entries as written by htdigest, added after those of <see cref="UsersFile"/>.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    public string? UsersFile { get; init; }

    public bool RemoveHeader { get; init; }

    public string Realm { get; init; } = "traefik";

    /// <summary>A request header that receives the authenticated user name.</summary>
    public string? HeaderField { get; init; }
}

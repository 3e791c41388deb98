namespace Portico.Middlewares.ForwardAuth;

/// <summary>Traefik <c>forwardAuth</c> options.</summary>
internal sealed record ForwardAuthOptions
{
    public string? Address { get; init; }

    public ForwardAuthTlsOptions Tls { get; init; } = new();

    /// <summary>Keep the incoming <c>X-Forwarded-*</c> headers (already screened by the entry point) instead of replacing them.</summary>
    public bool TrustForwardHeader { get; init; }

    public IReadOnlyList<string> AuthResponseHeaders { get; init; } = [];

    /// <summary>A Go RE2 regex matched (unanchored) against canonical header names.</summary>
    public string? AuthResponseHeadersRegex { get; init; }

    /// <summary>When not empty, only these request headers are sent to the authentication server.</summary>
    public IReadOnlyList<string> AuthRequestHeaders { get; init; } = [];

    public IReadOnlyList<string> AddAuthCookiesToResponse { get; init; } = [];

    /// <summary>An authentication server response header naming the user, recorded for the access log.</summary>
    public string? HeaderField { get; init; }

    public bool ForwardBody { get; init; }

    /// <summary>The largest request body sent with <see cref="ForwardBody"/>; a larger one is answered 401. -1 means no limit.</summary>
    public long MaxBodySize { get; init; } = -1;

    /// <summary>The largest authentication server response body read; a larger one is answered 401. -1 means no limit.</summary>
    public long MaxResponseBodySize { get; init; } = -1;

    public bool PreserveLocationHeader { get; init; }

    public bool PreserveRequestMethod { get; init; }

    /// <summary>Traefik 3.7: a 401 from the authentication server becomes a 302 to this URL.</summary>
    public string? AuthSigninURL { get; init; }
}

/// <summary>TLS towards the authentication server.</summary>
internal sealed record ForwardAuthTlsOptions
{
    /// <summary>A PEM file (or inline PEM) of the CAs to trust instead of the system roots.</summary>
    public string? Ca { get; init; }

    public string? Cert { get; init; }

    public string? Key { get; init; }

    public bool InsecureSkipVerify { get; init; }

    /// <summary>Deprecated in Traefik and ignored there too.</summary>
    public bool CaOptional { get; init; }
}

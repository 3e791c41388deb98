using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Portico.Middlewares.ForwardAuth;

/// <summary>One <c>forwardAuth</c> configuration, validated and precomputed by <see cref="ForwardAuthFactory"/>.</summary>
internal sealed record ForwardAuthSettings
{
    public required Uri Address { get; init; }

    public required HttpClient Client { get; init; }

    public bool TrustForwardHeader { get; init; }

    /// <summary>authResponseHeaders in Go's canonical form.</summary>
    public string[] AuthResponseHeaders { get; init; } = [];

    public Regex? AuthResponseHeadersRegex { get; init; }

    /// <summary>The request headers sent to the authentication server, or null to send all of them.</summary>
    public FrozenSet<string>? AuthRequestHeaders { get; init; }

    public FrozenSet<string> AuthCookies { get; init; } = FrozenSet<string>.Empty;

    public string? HeaderField { get; init; }

    public bool ForwardBody { get; init; }

    public long MaxBodySize { get; init; } = -1;

    public long MaxResponseBodySize { get; init; } = -1;

    public bool PreserveLocationHeader { get; init; }

    public bool PreserveRequestMethod { get; init; }

    public string? AuthSigninUrl { get; init; }
}

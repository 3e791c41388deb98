namespace Portico.Middlewares.Headers;

/// <summary>Traefik v3 <c>headers</c> options, with Traefik's names and defaults (everything off or empty).</summary>
internal sealed record HeadersOptions
{
    public IReadOnlyDictionary<string, string> CustomRequestHeaders { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> CustomResponseHeaders { get; init; } = new Dictionary<string, string>();

    public bool AccessControlAllowCredentials { get; init; }

    public IReadOnlyList<string> AccessControlAllowHeaders { get; init; } = [];

    public IReadOnlyList<string> AccessControlAllowMethods { get; init; } = [];

    public IReadOnlyList<string> AccessControlAllowOriginList { get; init; } = [];

    public IReadOnlyList<string> AccessControlAllowOriginListRegex { get; init; } = [];

    public IReadOnlyList<string> AccessControlExposeHeaders { get; init; } = [];

    public long AccessControlMaxAge { get; init; }

    public bool AddVaryHeader { get; init; }

    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    public IReadOnlyList<string> HostsProxyHeaders { get; init; } = [];

    public IReadOnlyDictionary<string, string> SslProxyHeaders { get; init; } = new Dictionary<string, string>();

    public long StsSeconds { get; init; }

    public bool StsIncludeSubdomains { get; init; }

    public bool StsPreload { get; init; }

    public bool ForceSTSHeader { get; init; }

    public bool FrameDeny { get; init; }

    public string? CustomFrameOptionsValue { get; init; }

    public bool ContentTypeNosniff { get; init; }

    public bool BrowserXssFilter { get; init; }

    public string? CustomBrowserXSSValue { get; init; }

    public string? ContentSecurityPolicy { get; init; }

    public string? ContentSecurityPolicyReportOnly { get; init; }

    public string? PublicKey { get; init; }

    public string? ReferrerPolicy { get; init; }

    public string? PermissionsPolicy { get; init; }

    public bool IsDevelopment { get; init; }
}

using Portico.Configuration.Parsing;

namespace Portico.Observability.AccessLog;

/// <summary>
/// Traefik's static <c>accessLog</c> section. Its presence (even <c>accessLog: {}</c>) turns the access log on;
/// without <see cref="FilePath"/> lines go to standard output.
/// </summary>
public sealed record AccessLogConfig
{
    public string? FilePath { get; init; }

    /// <summary><c>common</c> (default), <c>genericCLF</c> or <c>json</c>.</summary>
    public string Format { get; init; } = "common";

    /// <summary>How many lines may wait in memory before they are written (0: write as soon as a line is ready).</summary>
    public int BufferingSize { get; init; }

    /// <summary>Whether requests handled by internal services (<c>api@internal</c>, <c>ping@internal</c>...) are logged.</summary>
    public bool AddInternals { get; init; }

    public AccessLogFiltersConfig? Filters { get; init; }

    public AccessLogFieldsConfig? Fields { get; init; }

    /// <summary>Accepted for compatibility; OTLP export of access logs is not supported yet.</summary>
    public ConfigNode? Otlp { get; init; }

    /// <summary>Accepted for compatibility (only meaningful with <c>otlp</c>).</summary>
    public bool DualOutput { get; init; }
}

public sealed record AccessLogFiltersConfig
{
    /// <summary>Status codes or ranges such as <c>"200"</c> or <c>"400-499"</c>.</summary>
    public IReadOnlyList<string>? StatusCodes { get; init; }

    /// <summary>Keep requests that were retried at least once.</summary>
    public bool RetryAttempts { get; init; }

    /// <summary>Keep requests that took longer than this.</summary>
    public TimeSpan MinDuration { get; init; }
}

public sealed record AccessLogFieldsConfig
{
    /// <summary><c>keep</c> (default), <c>drop</c> or <c>redact</c>.</summary>
    public string DefaultMode { get; init; } = "keep";

    /// <summary>Mode per field name, for example <c>ClientUsername: drop</c>.</summary>
    public IReadOnlyDictionary<string, string>? Names { get; init; }

    public AccessLogHeadersConfig? Headers { get; init; }

    /// <summary>Accepted for compatibility; query parameters are logged as part of <c>RequestPath</c>.</summary>
    public ConfigNode? QueryParameters { get; init; }
}

public sealed record AccessLogHeadersConfig
{
    /// <summary><c>drop</c> (default), <c>keep</c> or <c>redact</c>.</summary>
    public string DefaultMode { get; init; } = "drop";

    /// <summary>Mode per header name, for example <c>User-Agent: keep</c>.</summary>
    public IReadOnlyDictionary<string, string>? Names { get; init; }
}

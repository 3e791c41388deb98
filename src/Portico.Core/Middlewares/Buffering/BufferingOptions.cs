namespace Portico.Middlewares.Buffering;

/// <summary>Traefik <c>buffering</c> options (sizes in bytes; 0 means no limit for the maximums).</summary>
internal sealed record BufferingOptions
{
    public long MaxRequestBodyBytes { get; init; }

    public long MemRequestBodyBytes { get; init; } = 1024 * 1024;

    public long MaxResponseBodyBytes { get; init; }

    public long MemResponseBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>When true after an attempt, the request is sent again, for example <c>IsNetworkError() &amp;&amp; Attempts() &lt; 2</c>.</summary>
    public string? RetryExpression { get; init; }

    public bool DisableRequestBuffer { get; init; }

    public bool DisableResponseBuffer { get; init; }
}

namespace Portico.Middlewares.Compress;

/// <summary>Traefik <c>compress</c> options.</summary>
internal sealed record CompressOptions
{
    /// <summary>Response (and request) content types never compressed; <c>application/grpc</c> is always among them.</summary>
    public IReadOnlyList<string> ExcludedContentTypes { get; init; } = [];

    /// <summary>When set, only responses of these content types are compressed (exclusive with the exclusions).</summary>
    public IReadOnlyList<string> IncludedContentTypes { get; init; } = [];

    /// <summary>Responses shorter than this are sent as they are; 0 or less means Traefik's default, 1024.</summary>
    public int MinResponseBodyBytes { get; init; } = 1024;

    /// <summary>The encodings offered, most preferred first.</summary>
    public IReadOnlyList<string> Encodings { get; init; } = ["gzip", "br", "zstd"];

    /// <summary>The encoding used when the request has no <c>Accept-Encoding</c> or accepts <c>*</c>.</summary>
    public string? DefaultEncoding { get; init; }
}

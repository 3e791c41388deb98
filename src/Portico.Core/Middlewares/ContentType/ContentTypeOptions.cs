namespace Portico.Middlewares.ContentType;

/// <summary>Traefik <c>contentType</c> options.</summary>
internal sealed record ContentTypeOptions
{
    /// <summary>Deprecated: using the middleware enables detection; <c>false</c> makes it do nothing.</summary>
    public bool? AutoDetect { get; init; }
}

namespace Portico.Middlewares.GrpcWeb;

/// <summary>Traefik <c>grpcWeb</c> options.</summary>
internal sealed record GrpcWebOptions
{
    /// <summary>Origins allowed by CORS; <c>*</c> allows any.</summary>
    public IReadOnlyList<string> AllowOrigins { get; init; } = [];
}

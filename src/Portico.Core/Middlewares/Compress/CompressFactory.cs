using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portico.Middlewares.Compress;

/// <summary>Builds <c>compress</c>; zstd is dropped with a warning when the system libzstd cannot be loaded.</summary>
internal sealed partial class CompressFactory : IMiddlewareFactory
{
    private static readonly string[] Supported = ["gzip", "br", "zstd"];

    public string TypeName => "compress";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<CompressOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (options.ExcludedContentTypes.Count > 0 && options.IncludedContentTypes.Count > 0)
        {
            context.Error("excludedContentTypes and includedContentTypes options are mutually exclusive");
        }

        // As Traefik, gRPC is never compressed by this middleware (gRPC has its own message compression).
        var excluded = ContentTypeSet.TryParse(["application/grpc", .. options.ExcludedContentTypes], out var badExcluded);
        if (excluded is null)
        {
            context.Error($"excludedContentTypes: \"{badExcluded}\" is not a media type");
        }

        var included = ContentTypeSet.TryParse(options.IncludedContentTypes, out var badIncluded);
        if (included is null)
        {
            context.Error($"includedContentTypes: \"{badIncluded}\" is not a media type");
        }

        if (options.Encodings.Count == 0)
        {
            context.Error("encodings: at least one encoding must be specified");
        }

        foreach (var encoding in options.Encodings)
        {
            if (!Supported.Contains(encoding, StringComparer.Ordinal))
            {
                context.Error($"encodings: unsupported encoding \"{encoding}\" (supported: gzip, br, zstd)");
            }
        }

        var defaultEncoding = string.IsNullOrEmpty(options.DefaultEncoding) ? null : options.DefaultEncoding;
        if (defaultEncoding is not null && !options.Encodings.Contains(defaultEncoding, StringComparer.Ordinal))
        {
            context.Error($"defaultEncoding: \"{defaultEncoding}\" is not one of the encodings");
        }

        if (context.HasErrors)
        {
            return null;
        }

        var encodings = options.Encodings.Distinct(StringComparer.Ordinal).ToArray();
        if (encodings.Contains("zstd") && !ZstdNative.IsAvailable)
        {
            ZstdUnavailable(context.LoggerFactory.CreateLogger<CompressFactory>(), context.Name, ZstdNative.UnavailableReason!);
            encodings = encodings.Where(e => e != "zstd").ToArray();
            defaultEncoding = defaultEncoding == "zstd" ? null : defaultEncoding;
            if (encodings.Length == 0)
            {
                context.Error("encodings: zstd is the only encoding and libzstd (Debian package libzstd1) cannot be loaded");
                return null;
            }
        }

        var minSize = options.MinResponseBodyBytes > 0 ? options.MinResponseBodyBytes : 1024;
        return next => new CompressMiddleware(next, encodings, defaultEncoding, excluded!, included!, minSize).InvokeAsync;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Middleware {Middleware}: zstd is not offered because libzstd cannot be loaded ({Reason}); install the libzstd1 package")]
    private static partial void ZstdUnavailable(ILogger logger, string middleware, string reason);
}

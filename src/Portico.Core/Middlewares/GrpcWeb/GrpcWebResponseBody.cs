using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Middlewares.GrpcWeb;

/// <summary>
/// The gRPC answer turned into gRPC-Web as it streams: the content type renamed before the head goes out, the messages
/// passed through (base64 per write for the text variant), and the trailers the forwarder hands over written at the
/// end as a frame with flag 0x80 holding <c>name: value\r\n</c> lines.
/// </summary>
internal sealed class GrpcWebResponseBody(HttpContext context, IHttpResponseBodyFeature inner, bool text)
    : ResponseBodyInterceptor(inner), IHttpResponseTrailersFeature
{
    private bool _headSent;

    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    public override Task StartAsync(CancellationToken cancellationToken = default)
    {
        PrepareHead();
        return Inner.StartAsync(cancellationToken);
    }

    public override Task CompleteAsync() => Task.CompletedTask;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        PrepareHead();
        return text ? WriteTextAsync(buffer, cancellationToken) : Inner.Stream.WriteAsync(buffer, cancellationToken);
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        PrepareHead();
        return Inner.Stream.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the trailer frame, unless the answer was trailers-only (its status is then in the head).</summary>
    public async Task FinishAsync()
    {
        await DrainWriterAsync().ConfigureAwait(false);
        var trailersOnly = !_headSent && context.Response.Headers.ContainsKey("grpc-status");
        PrepareHead();
        if (trailersOnly || Trailers.Count == 0)
        {
            return;
        }

        var lines = new StringBuilder();
        foreach (var (name, values) in Trailers)
        {
            foreach (var value in values)
            {
                lines.Append(name.ToLowerInvariant()).Append(": ").Append(value).Append("\r\n");
            }
        }

        var payload = Encoding.ASCII.GetBytes(lines.ToString());
        var frame = new byte[5 + payload.Length];
        frame[0] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        await WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
        await Inner.Stream.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private void PrepareHead()
    {
        if (_headSent)
        {
            return;
        }

        _headSent = true;
        var headers = context.Response.Headers;
        ExposeHeaders(headers);
        headers.ContentLength = null;
        var contentType = headers.ContentType.ToString();
        if (contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentType = (text ? "application/grpc-web-text" : "application/grpc-web") + contentType["application/grpc".Length..];
        }
    }

    /// <summary>Browsers only show the headers of a CORS response that are listed, so the gRPC ones and the backend's are.</summary>
    private static void ExposeHeaders(IHeaderDictionary headers)
    {
        if (headers.AccessControlAllowOrigin.Count == 0)
        {
            return;
        }

        var names = new List<string>(headers.Count + 2) { "grpc-status", "grpc-message" };
        foreach (var name in headers.Keys)
        {
            if (!name.StartsWith("access-control-", StringComparison.OrdinalIgnoreCase))
            {
                names.Add(name.ToLowerInvariant());
            }
        }

        headers.AccessControlExposeHeaders = string.Join(", ", names);
    }

    private async ValueTask WriteTextAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var encoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(buffer.Length));
        try
        {
            Base64.EncodeToUtf8(buffer.Span, encoded, out _, out var written);
            await Inner.Stream.WriteAsync(encoded.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }
}

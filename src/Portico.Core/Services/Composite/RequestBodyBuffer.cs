using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Services.Composite;

/// <summary>A request body read into memory so it can be sent more than once (mirrors, failover replay).</summary>
internal sealed class RequestBodyBuffer
{
    private RequestBodyBuffer(byte[] buffer, int length, bool complete)
    {
        Buffer = buffer;
        Length = length;
        IsComplete = complete;
    }

    public byte[] Buffer { get; }

    public int Length { get; }

    /// <summary>False when the body was larger than the limit: only its first bytes were read.</summary>
    public bool IsComplete { get; }

    public static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 ||
        (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false);

    /// <summary>Reads the body up to <paramref name="maxBytes"/> (negative: no limit); stops one byte past the limit.</summary>
    public static async Task<RequestBodyBuffer> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var limit = maxBytes < 0 ? Array.MaxLength : (int)Math.Min(maxBytes + 1, Array.MaxLength);
        var initial = request.ContentLength is { } declared ? (int)Math.Min(declared + 1, limit) : Math.Min(16 * 1024, limit);
        var buffer = new byte[Math.Max(1, initial)];
        var length = 0;
        while (length < limit)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return new RequestBodyBuffer(buffer, length, complete: true);
            }

            length += read;
        }

        return maxBytes >= 0 && length > maxBytes
            ? new RequestBodyBuffer(buffer, length, complete: false)
            : new RequestBodyBuffer(buffer, length, complete: true);
    }

    /// <summary>A fresh read-only stream over the buffered bytes.</summary>
    public Stream OpenRead() => new MemoryStream(Buffer, 0, Length, writable: false);

    /// <summary>The buffered bytes followed by whatever was not read from <paramref name="rest"/>.</summary>
    public Stream OpenReadThen(Stream rest) => IsComplete ? OpenRead() : new PrefixedStream(OpenRead(), rest);

    private sealed class PrefixedStream(Stream prefix, Stream rest) : Stream
    {
        private bool _prefixDone;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_prefixDone)
            {
                var read = await prefix.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read > 0 || buffer.IsEmpty)
                {
                    return read;
                }

                _prefixDone = true;
            }

            return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.Buffers;
using System.Buffers.Text;

namespace Portico.Middlewares.GrpcWeb;

/// <summary>
/// Decodes <c>application/grpc-web-text</c> request bodies: base64 in any chunking, possibly several padded segments
/// one after the other (clients encode each message on its own).
/// </summary>
internal sealed class Base64DecodingStream(Stream inner) : Stream
{
    private readonly byte[] _encoded = new byte[16 * 1024];
    private int _pending;
    private byte[] _decoded = [];
    private int _decodedStart;
    private int _decodedEnd;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_decodedStart == _decodedEnd)
        {
            if (_ended)
            {
                return 0;
            }

            var read = await inner.ReadAsync(_encoded.AsMemory(_pending), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
                if (_pending % 4 != 0)
                {
                    throw new InvalidDataException("grpc-web-text body is not valid base64");
                }
            }

            _pending += read;
            DecodeQuads();
        }

        var count = Math.Min(buffer.Length, _decodedEnd - _decodedStart);
        _decoded.AsSpan(_decodedStart, count).CopyTo(buffer.Span);
        _decodedStart += count;
        return count;
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

    /// <summary>Decodes every complete group of four characters; a padded group ends a segment, and decoding goes on after it.</summary>
    private void DecodeQuads()
    {
        var whole = _pending - (_pending % 4);
        if (_decoded.Length < whole / 4 * 3)
        {
            _decoded = new byte[whole / 4 * 3];
        }

        _decodedStart = 0;
        _decodedEnd = 0;
        var offset = 0;
        while (offset < whole)
        {
            // A segment ends after the first group of four that holds padding, or at the end of what is complete.
            var end = offset;
            while (end < whole)
            {
                end += 4;
                if (_encoded[end - 1] == (byte)'=')
                {
                    break;
                }
            }

            var status = Base64.DecodeFromUtf8(_encoded.AsSpan(offset, end - offset), _decoded.AsSpan(_decodedEnd), out _, out var written);
            if (status != OperationStatus.Done)
            {
                throw new InvalidDataException("grpc-web-text body is not valid base64");
            }

            _decodedEnd += written;
            offset = end;
        }

        _encoded.AsSpan(whole, _pending - whole).CopyTo(_encoded);
        _pending -= whole;
    }
}

using System.Buffers;
using System.IO.Pipelines;

namespace Portico.EntryPoints;

/// <summary>What the first bytes a client sends on a new connection say about its protocol.</summary>
internal enum FirstBytesKind
{
    /// <summary>The client closed, or stayed silent past the timeout, before deciding anything.</summary>
    Closed,

    /// <summary>A TLS handshake record (first byte 0x16).</summary>
    Tls,

    /// <summary>The HTTP/2 connection preface: h2c with prior knowledge.</summary>
    H2cPreface,

    /// <summary>Anything else, served as HTTP/1.x.</summary>
    Http1,
}

/// <summary>
/// Peeks at the first bytes of a connection without consuming any of them, so the protocol chosen afterwards (TLS or
/// Kestrel's HTTP) reads the stream from its very first byte. One peek per connection, never per request.
/// </summary>
internal static class FirstBytes
{
    /// <summary>The first byte of every TLS record carrying a handshake message (a ClientHello here).</summary>
    private const byte TlsHandshakeRecord = 0x16;

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Reads until the bytes received decide the question, consuming none.</summary>
    /// <param name="sniffTls">Whether a first byte 0x16 means TLS (false on endpoints that only speak cleartext).</param>
    public static async Task<FirstBytesKind> ClassifyAsync(PipeReader input, bool sniffTls, CancellationToken connectionClosed, TimeSpan after)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        timeout.CancelAfter(after);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return FirstBytesKind.Closed;
            }

            var buffer = result.Buffer;
            var kind = Classify(buffer, sniffTls);
            if (kind is null && (result.IsCompleted || result.IsCanceled))
            {
                // The client stopped sending mid-way: a truncated preface is nothing Kestrel can serve as h2c.
                kind = buffer.IsEmpty ? FirstBytesKind.Closed : FirstBytesKind.Http1;
            }

            // Nothing is consumed, so the chosen protocol reads every byte; marking all as examined makes the next read
            // wait for more data instead of returning the same bytes at once.
            input.AdvanceTo(buffer.Start, kind is null ? buffer.End : buffer.Start);
            if (kind is { } decided)
            {
                return decided;
            }
        }
    }

    /// <summary>The answer when the buffer decides it, null when more bytes are needed.</summary>
    internal static FirstBytesKind? Classify(ReadOnlySequence<byte> buffer, bool sniffTls)
    {
        if (buffer.IsEmpty)
        {
            return null;
        }

        var first = buffer.FirstSpan[0];
        if (sniffTls && first == TlsHandshakeRecord)
        {
            return FirstBytesKind.Tls;
        }

        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> start = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(start);
        if (!start[..length].SequenceEqual(Preface[..length]))
        {
            return FirstBytesKind.Http1;
        }

        return length == Preface.Length ? FirstBytesKind.H2cPreface : null;
    }
}

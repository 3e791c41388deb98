using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.Tls.Acme;

namespace Portico.EntryPoints;

/// <summary>
/// Marks connections whose ClientHello offers ALPN <c>acme-tls/1</c> (a TLS-ALPN-01 validation, RFC 8737), so the
/// handshake callback can answer them with the challenge certificate. .NET's <c>SslClientHelloInfo</c> carries only the
/// server name, so the ClientHello is peeked here without consuming it. The peek happens only while a challenge is
/// pending; otherwise a connection goes straight to the handshake.
/// </summary>
internal static class AcmeTlsAlpnDetection
{
    /// <summary>The key set in <c>ConnectionContext.Items</c> when the client offered <c>acme-tls/1</c>.</summary>
    public static readonly object OffersAcmeTls = new();

    /// <summary>A ClientHello is a few hundred bytes; a record is at most 16 KiB plus its header.</summary>
    private const int MaxRecord = 5 + (16 * 1024);

    private static ReadOnlySpan<byte> AcmeTls => "acme-tls/1"u8;

    public static void UseAcmeTlsAlpnDetection(this ListenOptions listen, InMemoryTlsAlpn01ChallengeStore challenges, TimeSpan timeout) =>
        listen.Use(next => async connection =>
        {
            if (!challenges.IsEmpty && await PeekAsync(connection, timeout).ConfigureAwait(false))
            {
                connection.Items[OffersAcmeTls] = OffersAcmeTls;
            }

            await next(connection).ConfigureAwait(false);
        });

    /// <summary>Reads until the first TLS record is complete, leaves every byte in the pipe, and looks for acme-tls/1.</summary>
    private static async Task<bool> PeekAsync(ConnectionContext connection, TimeSpan timeout)
    {
        var input = connection.Transport.Input;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        deadline.CancelAfter(timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            var buffer = result.Buffer;
            var found = TryFindAlpn(buffer, AcmeTls);
            if (found is not null || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                return found == true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Whether the ClientHello in the first TLS record lists <paramref name="protocol"/> in its ALPN extension; null while
    /// the record is incomplete. Anything that is not a well-formed ClientHello answers false.
    /// </summary>
    internal static bool? TryFindAlpn(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> protocol)
    {
        Span<byte> header = stackalloc byte[5];
        if (buffer.Length < header.Length)
        {
            return null;
        }

        buffer.Slice(0, header.Length).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (header[0] != 0x16 || header.Length + length > MaxRecord)
        {
            return false;
        }

        if (buffer.Length < header.Length + length)
        {
            return null;
        }

        var record = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.Slice(header.Length, length).CopyTo(record);
            return FindAlpn(record.AsSpan(0, length), protocol);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    /// <summary>Walks a ClientHello handshake message (RFC 8446 §4.1.2) to the ALPN extension (RFC 7301, type 16).</summary>
    private static bool FindAlpn(ReadOnlySpan<byte> hello, ReadOnlySpan<byte> protocol)
    {
        // 1. Handshake header (type 1 = ClientHello, 3-byte length), legacy_version and random.
        if (hello.Length < 4 + 2 + 32 || hello[0] != 0x01)
        {
            return false;
        }

        var p = hello[(4 + 2 + 32)..];

        // 2. Session id (1-byte length), cipher suites (2-byte length), compression methods (1-byte length).
        if (!Skip(ref p, 1) || !Skip(ref p, 2) || !Skip(ref p, 1) || p.Length < 2)
        {
            return false;
        }

        // 3. Extensions: 2-byte type and 2-byte length each.
        var extensions = p.Slice(2, Math.Min(p.Length - 2, BinaryPrimitives.ReadUInt16BigEndian(p)));
        while (extensions.Length >= 4)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            var size = BinaryPrimitives.ReadUInt16BigEndian(extensions[2..]);
            if (extensions.Length < 4 + size)
            {
                return false;
            }

            var data = extensions.Slice(4, size);
            extensions = extensions[(4 + size)..];
            if (type != 16 || data.Length < 2)
            {
                continue;
            }

            // 4. ProtocolNameList: 2-byte length, then 1-byte-length names.
            var names = data.Slice(2, Math.Min(data.Length - 2, BinaryPrimitives.ReadUInt16BigEndian(data)));
            while (names.Length > 0 && names.Length >= 1 + names[0])
            {
                if (names.Slice(1, names[0]).SequenceEqual(protocol))
                {
                    return true;
                }

                names = names[(1 + names[0])..];
            }

            return false;
        }

        return false;
    }

    /// <summary>Skips a length-prefixed vector whose length field has <paramref name="lengthBytes"/> bytes.</summary>
    private static bool Skip(ref ReadOnlySpan<byte> p, int lengthBytes)
    {
        if (p.Length < lengthBytes)
        {
            return false;
        }

        var length = lengthBytes == 1 ? p[0] : BinaryPrimitives.ReadUInt16BigEndian(p);
        if (p.Length < lengthBytes + length)
        {
            return false;
        }

        p = p[(lengthBytes + length)..];
        return true;
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Portico.Tcp;

/// <summary>What the first bytes of a connection say about TLS.</summary>
internal enum ClientHelloStatus
{
    /// <summary>More bytes are needed to decide; nothing was consumed.</summary>
    Incomplete,

    /// <summary>The connection does not start with a TLS handshake record: plain TCP or HTTP.</summary>
    NotTls,

    /// <summary>It starts like TLS but the ClientHello is malformed; <see cref="ClientHelloParser.TryParse"/> says why.</summary>
    Invalid,

    /// <summary>A whole ClientHello was read; its server name and ALPN protocols are known.</summary>
    Complete,
}

/// <summary>The routing-relevant parts of a ClientHello: SNI (null when absent) and the ALPN protocols offered.</summary>
internal sealed record ClientHelloInfo(string? ServerName, IReadOnlyList<string> ApplicationProtocols);

/// <summary>
/// Reads the TLS ClientHello from the bytes a connection has received so far, without consuming them, so a TCP router
/// can pick a route by SNI/ALPN and then hand the untouched bytes to TLS termination or a passthrough backend. The
/// handshake message may span several records (RFC 8446 §5.1); it is bounded by <see cref="MaxHandshakeLength"/>.
/// </summary>
internal static class ClientHelloParser
{
    /// <summary>Upper bound for the ClientHello (post-quantum key shares make them ~2 KiB; 64 KiB is far beyond).</summary>
    public const int MaxHandshakeLength = 64 * 1024;

    private const byte HandshakeRecord = 0x16;
    private const byte ClientHelloType = 0x01;
    private const int RecordHeaderLength = 5;
    private const ushort ServerNameExtension = 0x0000;
    private const ushort AlpnExtension = 0x0010;

    public static ClientHelloStatus TryParse(ReadOnlySequence<byte> data, out ClientHelloInfo? info, out string? error)
    {
        info = null;
        error = null;
        if (data.IsEmpty)
        {
            return ClientHelloStatus.Incomplete;
        }

        if (data.FirstSpan[0] != HandshakeRecord)
        {
            return ClientHelloStatus.NotTls;
        }

        // Reassemble the handshake message from consecutive handshake records.
        var reader = new SequenceReader<byte>(data);
        var handshake = new ArrayBufferWriter<byte>();
        int? messageLength = null;
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        while (messageLength is null || handshake.WrittenCount < messageLength + 4)
        {
            if (reader.Remaining < RecordHeaderLength)
            {
                return ClientHelloStatus.Incomplete;
            }

            reader.TryCopyTo(header);
            if (header[0] != HandshakeRecord)
            {
                return Fail("a non-handshake record arrived before the ClientHello was complete", out error);
            }

            if (header[1] != 0x03)
            {
                return Fail($"unknown record version {header[1]}.{header[2]}", out error);
            }

            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
            if (recordLength == 0 || recordLength > (1 << 14))
            {
                return Fail($"invalid TLS record length {recordLength}", out error);
            }

            if (reader.Remaining < RecordHeaderLength + recordLength)
            {
                return ClientHelloStatus.Incomplete;
            }

            reader.Advance(RecordHeaderLength);
            var fragment = handshake.GetSpan(recordLength)[..recordLength];
            reader.TryCopyTo(fragment);
            reader.Advance(recordLength);
            handshake.Advance(recordLength);

            if (messageLength is null && handshake.WrittenCount >= 4)
            {
                var span = handshake.WrittenSpan;
                if (span[0] != ClientHelloType)
                {
                    return Fail($"the first handshake message is type {span[0]}, not ClientHello", out error);
                }

                messageLength = (span[1] << 16) | (span[2] << 8) | span[3];
                if (messageLength > MaxHandshakeLength)
                {
                    return Fail($"the ClientHello is {messageLength} bytes, over the {MaxHandshakeLength} limit", out error);
                }
            }
        }

        return Parse(handshake.WrittenSpan.Slice(4, messageLength.Value), out info, out error);
    }

    private static ClientHelloStatus Parse(ReadOnlySpan<byte> body, out ClientHelloInfo? info, out string? error)
    {
        info = null;

        // client_version(2) random(32) session_id<0..32>
        if (body.Length < 35 || body[34] > 32 || body.Length < 35 + body[34] + 2)
        {
            return Fail("the ClientHello is truncated before its cipher suites", out error);
        }

        var rest = body[(35 + body[34])..];
        if (!Skip(ref rest, 2, out error, "cipher suites") || !Skip(ref rest, 1, out error, "compression methods"))
        {
            return ClientHelloStatus.Invalid;
        }

        string? serverName = null;
        var protocols = new List<string>();
        if (rest.Length == 0)
        {
            // No extensions at all (SSL 3-era clients): no SNI, no ALPN.
            info = new ClientHelloInfo(null, protocols);
            error = null;
            return ClientHelloStatus.Complete;
        }

        if (rest.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(rest) != rest.Length - 2)
        {
            return Fail("the ClientHello's extensions length does not match its size", out error);
        }

        var extensions = rest[2..];
        while (extensions.Length > 0)
        {
            if (extensions.Length < 4)
            {
                return Fail("a ClientHello extension header is truncated", out error);
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            var length = BinaryPrimitives.ReadUInt16BigEndian(extensions[2..]);
            if (extensions.Length < 4 + length)
            {
                return Fail($"ClientHello extension {type} is truncated", out error);
            }

            var value = extensions.Slice(4, length);
            extensions = extensions[(4 + length)..];
            if (type == ServerNameExtension && !ReadServerName(value, out serverName, out error))
            {
                return ClientHelloStatus.Invalid;
            }

            if (type == AlpnExtension && !ReadProtocols(value, protocols, out error))
            {
                return ClientHelloStatus.Invalid;
            }
        }

        info = new ClientHelloInfo(serverName, protocols);
        error = null;
        return ClientHelloStatus.Complete;
    }

    /// <summary>server_name_list: the first host_name entry (RFC 6066 §3 allows one per type).</summary>
    private static bool ReadServerName(ReadOnlySpan<byte> value, out string? serverName, out string? error)
    {
        serverName = null;
        if (value.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(value) != value.Length - 2)
        {
            error = "the server_name extension's list length does not match its size";
            return false;
        }

        var list = value[2..];
        while (list.Length > 0)
        {
            if (list.Length < 3 || list.Length < 3 + BinaryPrimitives.ReadUInt16BigEndian(list[1..]))
            {
                error = "a server_name entry is truncated";
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(list[1..]);
            var name = list.Slice(3, length);
            if (list[0] == 0 && serverName is null)
            {
                if (length == 0 || !IsHostName(name))
                {
                    error = "the SNI host name is empty or not a DNS name";
                    return false;
                }

                serverName = Encoding.ASCII.GetString(name).TrimEnd('.');
            }

            list = list[(3 + length)..];
        }

        error = null;
        return true;
    }

    private static bool ReadProtocols(ReadOnlySpan<byte> value, List<string> protocols, out string? error)
    {
        if (value.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(value) != value.Length - 2)
        {
            error = "the ALPN extension's list length does not match its size";
            return false;
        }

        var list = value[2..];
        while (list.Length > 0)
        {
            var length = list[0];
            if (length == 0 || list.Length < 1 + length)
            {
                error = "an ALPN protocol name is empty or truncated";
                return false;
            }

            protocols.Add(Encoding.ASCII.GetString(list.Slice(1, length)));
            list = list[(1 + length)..];
        }

        error = null;
        return true;
    }

    /// <summary>Skips a vector whose length prefix has <paramref name="prefix"/> bytes.</summary>
    private static bool Skip(ref ReadOnlySpan<byte> span, int prefix, out string? error, string what)
    {
        if (span.Length < prefix)
        {
            error = $"the ClientHello is truncated in its {what}";
            return false;
        }

        var length = prefix == 1 ? span[0] : BinaryPrimitives.ReadUInt16BigEndian(span);
        if (span.Length < prefix + length)
        {
            error = $"the ClientHello is truncated in its {what}";
            return false;
        }

        span = span[(prefix + length)..];
        error = null;
        return true;
    }

    /// <summary>Letters, digits, '-', '_', '.' and '*' only: SNI carries ASCII (A-labels), never IP literals' brackets.</summary>
    private static bool IsHostName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!(b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'*'))
            {
                return false;
            }
        }

        return true;
    }

    private static ClientHelloStatus Fail(string message, out string? error)
    {
        error = message;
        return ClientHelloStatus.Invalid;
    }
}

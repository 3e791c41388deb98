using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Portico.Tcp.ProxyProtocol;

/// <summary>What the first bytes of a connection say about a PROXY protocol header.</summary>
internal enum ProxyHeaderStatus
{
    /// <summary>More bytes are needed to decide; nothing was consumed.</summary>
    Incomplete,

    /// <summary>The connection does not start with a PROXY header (v1 or v2 signature).</summary>
    Absent,

    /// <summary>A PROXY signature followed by something malformed; the connection must be closed.</summary>
    Invalid,

    /// <summary>A whole header was read; its length is in the <c>consumed</c> output.</summary>
    Complete,
}

/// <summary>
/// A received PROXY header. Source and destination are null for v2 LOCAL (health checks from the proxy itself),
/// v1 UNKNOWN and v2 UNSPEC/UNIX families: the connection's own addresses are used then, as the spec asks.
/// </summary>
internal sealed record ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination);

/// <summary>
/// Parses PROXY protocol v1 (text) and v2 (binary) headers, as HAProxy's specification (proxy-protocol.txt) defines
/// them. The caller peeks the connection's first bytes, calls this until it stops answering Incomplete, and then
/// consumes exactly <c>consumed</c> bytes; whatever follows belongs to the client's protocol.
/// </summary>
internal static class ProxyHeaderReader
{
    /// <summary>The v1 line is at most 107 bytes including CRLF (spec §2.1).</summary>
    public const int MaxV1Length = 107;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ProxyHeaderStatus TryParse(ReadOnlySequence<byte> data, out ProxyHeader? header, out int consumed, out string? error)
    {
        header = null;
        consumed = 0;
        error = null;
        Span<byte> start = stackalloc byte[16];
        var available = (int)Math.Min(data.Length, start.Length);
        data.Slice(0, available).CopyTo(start);
        start = start[..available];

        if (MatchesPrefix(start, V2Signature))
        {
            return start.Length < 16 ? ProxyHeaderStatus.Incomplete : ParseV2(data, start, out header, out consumed, out error);
        }

        if (MatchesPrefix(start, V1Prefix))
        {
            return start.Length < V1Prefix.Length ? ProxyHeaderStatus.Incomplete : ParseV1(data, out header, out consumed, out error);
        }

        return ProxyHeaderStatus.Absent;
    }

    /// <summary>Whether <paramref name="start"/> agrees with the signature as far as it goes.</summary>
    private static bool MatchesPrefix(ReadOnlySpan<byte> start, ReadOnlySpan<byte> signature) =>
        start.Length > 0 && start[..Math.Min(start.Length, signature.Length)].SequenceEqual(signature[..Math.Min(start.Length, signature.Length)]);

    private static ProxyHeaderStatus ParseV1(ReadOnlySequence<byte> data, out ProxyHeader? header, out int consumed, out string? error)
    {
        header = null;
        consumed = 0;
        var reader = new SequenceReader<byte>(data);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return Fail(data.Length >= MaxV1Length ? "the PROXY v1 line has no CRLF within 107 bytes" : null, out error);
        }

        if (line.Length + 2 > MaxV1Length)
        {
            return Fail("the PROXY v1 line is longer than 107 bytes", out error);
        }

        consumed = (int)line.Length + 2;
        var text = Encoding.ASCII.GetString(line);
        var parts = text.Split(' ');
        if (parts.Length >= 2 && parts[1] == "UNKNOWN")
        {
            // The rest of an UNKNOWN line is ignored (spec §2.1): the proxy could not tell the addresses.
            header = new ProxyHeader(1, null, null);
            error = null;
            return ProxyHeaderStatus.Complete;
        }

        if (parts.Length != 6 || parts[1] is not ("TCP4" or "TCP6"))
        {
            return Fail($"malformed PROXY v1 line \"{Printable(text)}\"", out error);
        }

        var family = parts[1] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!TryAddress(parts[2], family, out var source) || !TryAddress(parts[3], family, out var destination)
            || !TryPort(parts[4], out var sourcePort) || !TryPort(parts[5], out var destinationPort))
        {
            return Fail($"malformed address or port in PROXY v1 line \"{Printable(text)}\"", out error);
        }

        header = new ProxyHeader(1, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        error = null;
        return ProxyHeaderStatus.Complete;
    }

    private static ProxyHeaderStatus ParseV2(ReadOnlySequence<byte> data, ReadOnlySpan<byte> start, out ProxyHeader? header, out int consumed, out string? error)
    {
        header = null;
        consumed = 0;
        var version = start[12] >> 4;
        var command = start[12] & 0x0F;
        if (version != 2)
        {
            return Fail($"unsupported PROXY protocol version {version}", out error);
        }

        if (command > 1)
        {
            return Fail($"unknown PROXY v2 command {command}", out error);
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(start[14..]);
        if (data.Length < 16 + length)
        {
            error = null;
            return ProxyHeaderStatus.Incomplete;
        }

        consumed = 16 + length;
        var family = start[13] >> 4;
        var transport = start[13] & 0x0F;
        if (command == 0 || family is 0 or 3 || transport == 0)
        {
            // LOCAL, UNSPEC or UNIX: keep the real connection addresses; TLVs are skipped with the block.
            header = new ProxyHeader(2, null, null);
            error = null;
            return ProxyHeaderStatus.Complete;
        }

        var addressLength = family switch { 1 => 12, 2 => 36, _ => -1 };
        if (addressLength < 0)
        {
            return Fail($"unknown PROXY v2 address family {family}", out error);
        }

        if (length < addressLength)
        {
            return Fail($"the PROXY v2 address block is {length} bytes, too short for its family", out error);
        }

        Span<byte> block = stackalloc byte[36];
        data.Slice(16, addressLength).CopyTo(block);
        var size = addressLength == 12 ? 4 : 16;
        var source = new IPAddress(block[..size]);
        var destination = new IPAddress(block.Slice(size, size));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(block[(2 * size)..]);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(block[((2 * size) + 2)..]);
        header = new ProxyHeader(2, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        error = null;
        return ProxyHeaderStatus.Complete;
    }

    private static bool TryAddress(string text, System.Net.Sockets.AddressFamily family, out IPAddress address) =>
        IPAddress.TryParse(text, out address!) && address.AddressFamily == family && !text.Contains('%', StringComparison.Ordinal);

    /// <summary>Decimal 0-65535 without sign or leading zeros, as the spec writes ports.</summary>
    private static bool TryPort(string text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= 65535;
    }

    private static string Printable(string text) => text.Length > 60 ? text[..60] + "..." : text;

    /// <summary>A null message means "need more bytes".</summary>
    private static ProxyHeaderStatus Fail(string? message, out string? error)
    {
        error = message;
        return message is null ? ProxyHeaderStatus.Incomplete : ProxyHeaderStatus.Invalid;
    }
}

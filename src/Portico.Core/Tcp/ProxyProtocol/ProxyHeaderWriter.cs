using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portico.Tcp.ProxyProtocol;

/// <summary>
/// Writes the PROXY header Portico sends to a backend (<c>serversTransport.proxyProtocol.version</c> 1 or 2): the
/// client's address as source, the address the client connected to as destination. Mixed families (an IPv4 client on
/// an IPv6 listener) are written as IPv6, with IPv4 addresses mapped, since both ends of a header share one family.
/// </summary>
internal static class ProxyHeaderWriter
{
    public static byte[] Write(int version, IPEndPoint source, IPEndPoint destination) => version switch
    {
        1 => WriteV1(source, destination),
        2 => WriteV2(source, destination),
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "PROXY protocol version must be 1 or 2"),
    };

    public static byte[] WriteV1(IPEndPoint source, IPEndPoint destination)
    {
        var (src, dst) = SameFamily(source.Address, destination.Address);
        var family = src.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"PROXY {family} {src} {dst} {source.Port} {destination.Port}\r\n"));
    }

    public static byte[] WriteV2(IPEndPoint source, IPEndPoint destination)
    {
        var (src, dst) = SameFamily(source.Address, destination.Address);
        var ipv4 = src.AddressFamily == AddressFamily.InterNetwork;
        var size = ipv4 ? 4 : 16;
        var header = new byte[16 + (2 * size) + 4];
        ReadOnlySpan<byte> signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
        signature.CopyTo(header);
        header[12] = 0x21; // version 2, command PROXY
        header[13] = ipv4 ? (byte)0x11 : (byte)0x21; // AF_INET or AF_INET6, STREAM
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)((2 * size) + 4));
        src.TryWriteBytes(header.AsSpan(16, size), out _);
        dst.TryWriteBytes(header.AsSpan(16 + size, size), out _);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + (2 * size)), (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + (2 * size)), (ushort)destination.Port);
        return header;
    }

    private static (IPAddress Source, IPAddress Destination) SameFamily(IPAddress source, IPAddress destination)
    {
        if (source.IsIPv4MappedToIPv6 && destination.IsIPv4MappedToIPv6)
        {
            return (source.MapToIPv4(), destination.MapToIPv4());
        }

        return source.AddressFamily == destination.AddressFamily
            ? (source, destination)
            : (source.MapToIPv6(), destination.MapToIPv6());
    }
}

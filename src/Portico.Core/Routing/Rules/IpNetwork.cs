using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Portico.Routing.Rules;

/// <summary>
/// An IP network parsed like Go's <c>net.ParseCIDR</c> (host bits are masked off rather than rejected) or a
/// single address. IPv4 and IPv6 never match each other; IPv4-mapped IPv6 addresses are unmapped first.
/// </summary>
internal sealed class IpNetwork
{
    private readonly byte[] _bytes;

    private IpNetwork(byte[] bytes, int prefixLength, AddressFamily family)
    {
        _bytes = bytes;
        PrefixLength = prefixLength;
        Family = family;
    }

    public int PrefixLength { get; }

    public AddressFamily Family { get; }

    public static bool TryParse(string value, out IpNetwork? network)
    {
        network = null;
        var slash = value.IndexOf('/');
        var addressText = slash < 0 ? value : value[..slash];
        if (!IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var bits = bytes.Length * 8;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return false;
        }

        Mask(bytes, prefix);
        network = new IpNetwork(bytes, prefix, address.AddressFamily);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Family)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return PrefixEquals(bytes[..written], _bytes, PrefixLength);
    }

    /// <summary>True when every address of <paramref name="other"/> is in this network.</summary>
    public bool Contains(IpNetwork other) =>
        other.Family == Family && other.PrefixLength >= PrefixLength && PrefixEquals(other._bytes, _bytes, PrefixLength);

    public bool Overlaps(IpNetwork other) => Contains(other) || other.Contains(this);

    public override string ToString() => $"{new IPAddress(_bytes)}/{PrefixLength}";

    private static bool PrefixEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int prefix)
    {
        var full = prefix / 8;
        if (!a[..full].SequenceEqual(b[..full]))
        {
            return false;
        }

        var rem = prefix % 8;
        if (rem == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rem));
        return (a[full] & mask) == (b[full] & mask);
    }

    private static void Mask(byte[] bytes, int prefix)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
    }
}

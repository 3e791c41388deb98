using System.Net;
using System.Net.Sockets;

namespace Portico.Middlewares.SourceCriterion;

/// <summary>
/// A set of addresses and CIDR ranges (Traefik's <c>ip.Checker</c>). Ranges keep Go's leniency: <c>10.1.2.3/8</c> means
/// <c>10.0.0.0/8</c>. IPv4-mapped IPv6 addresses match their IPv4 form, as Go's <c>net.IP</c> comparisons do.
/// </summary>
internal sealed class IpRanges
{
    private readonly IPNetwork[] _networks;

    private IpRanges(IPNetwork[] networks) => _networks = networks;

    /// <summary>Parses every entry; returns null and the first bad entry when one is neither an address nor a CIDR.</summary>
    public static IpRanges? Parse(IReadOnlyList<string> entries, out string? bad)
    {
        var networks = new IPNetwork[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            if (!TryParseEntry(entries[i].Trim(), out networks[i]))
            {
                bad = entries[i];
                return null;
            }
        }

        bad = null;
        return new IpRanges(networks);
    }

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="text"/> is an address in the set; text that is not an address is never in it.</summary>
    public bool Contains(ReadOnlySpan<char> text) => IPAddress.TryParse(text, out var address) && Contains(address);

    private static bool TryParseEntry(string entry, out IPNetwork network)
    {
        network = default;
        var slash = entry.IndexOf('/');
        if (slash < 0)
        {
            if (!IPAddress.TryParse(entry, out var single) || (single.AddressFamily == AddressFamily.InterNetworkV6 && single.ScopeId != 0))
            {
                return false;
            }

            single = single.IsIPv4MappedToIPv6 ? single.MapToIPv4() : single;
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        if (!IPAddress.TryParse(entry.AsSpan(0, slash), out var address)
            || !int.TryParse(entry.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out var bits))
        {
            return false;
        }

        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (bits > width || (width == 128 && address.ScopeId != 0))
        {
            return false;
        }

        network = new IPNetwork(Mask(address, bits), bits);
        return true;
    }

    /// <summary>Clears the host bits, which .NET's <see cref="IPNetwork"/> refuses and Go ignores.</summary>
    internal static IPAddress Mask(IPAddress address, int bits)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}

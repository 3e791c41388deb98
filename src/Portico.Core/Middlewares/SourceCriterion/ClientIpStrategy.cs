using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.SourceCriterion;

/// <summary>
/// Traefik's IP strategies, chosen once from <see cref="IpStrategyOptions"/>: a positive <c>depth</c> takes the n-th
/// address from the right of X-Forwarded-For (and ignores <c>excludedIPs</c>); otherwise <c>excludedIPs</c> takes the first
/// address from the right that is not excluded; otherwise the socket peer. <c>ipv6Subnet</c> reduces IPv6 results of the
/// depth and socket strategies to their subnet's first address, so a whole /64 counts as one client.
/// The result is text, as in Traefik: an empty string when X-Forwarded-For has too few entries.
/// </summary>
internal sealed class ClientIpStrategy
{
    private const string ForwardedFor = "X-Forwarded-For";

    private readonly int _depth;
    private readonly IpRanges? _excluded;
    private readonly int _ipv6Subnet;

    private ClientIpStrategy(int depth, IpRanges? excluded, int ipv6Subnet)
    {
        _depth = depth;
        _excluded = excluded;
        _ipv6Subnet = ipv6Subnet;
    }

    /// <summary>The socket peer strategy Traefik uses when no <c>ipStrategy</c> is given.</summary>
    public static ClientIpStrategy RemoteAddress { get; } = new(0, null, 0);

    /// <summary>Builds the strategy, or returns null after reporting what is wrong through <paramref name="error"/>.</summary>
    public static ClientIpStrategy? Create(IpStrategyOptions? options, Action<string> error)
    {
        if (options is null)
        {
            return RemoteAddress;
        }

        if (options.Depth < 0)
        {
            error($"ipStrategy.depth must not be negative (got {options.Depth})");
            return null;
        }

        // Traefik validates ipv6Subnet only for the strategies that use it: excludedIPs without depth ignores it.
        var usesSubnet = options.Depth > 0 || options.ExcludedIPs.Count == 0;
        if (usesSubnet && options.IPv6Subnet is { } subnet && subnet is <= 0 or > 128)
        {
            error($"ipStrategy.ipv6Subnet must be between 1 and 128 (got {subnet})");
            return null;
        }

        var ipv6Subnet = usesSubnet ? options.IPv6Subnet ?? 0 : 0;
        if (options.Depth > 0)
        {
            return new ClientIpStrategy(options.Depth, null, ipv6Subnet);
        }

        if (options.ExcludedIPs.Count > 0)
        {
            var excluded = IpRanges.Parse(options.ExcludedIPs, out var bad);
            if (excluded is null)
            {
                error($"ipStrategy.excludedIPs: \"{bad}\" is neither an IP address nor a CIDR range");
                return null;
            }

            return new ClientIpStrategy(0, excluded, 0);
        }

        return ipv6Subnet == 0 ? RemoteAddress : new ClientIpStrategy(0, null, ipv6Subnet);
    }

    /// <summary>The client IP as text; allocation-free for the socket peer and for single-entry headers.</summary>
    public string GetIP(HttpContext context)
    {
        if (_depth > 0)
        {
            return Subnet(FromRight(FirstForwardedFor(context), _depth));
        }

        if (_excluded is not null)
        {
            return FirstNotExcluded(FirstForwardedFor(context), _excluded);
        }

        var peer = context.Connection.RemoteIpAddress;
        if (peer is null)
        {
            return string.Empty;
        }

        if (peer.IsIPv4MappedToIPv6)
        {
            // Go's listeners report IPv4 clients of a dual-stack socket as plain IPv4.
            peer = peer.MapToIPv4();
        }

        return _ipv6Subnet > 0 && peer.AddressFamily == AddressFamily.InterNetworkV6
            ? IpRanges.Mask(peer, _ipv6Subnet).ToString()
            : peer.ToString();
    }

    /// <summary>Go's <c>Header.Get</c>: the first X-Forwarded-For field line only.</summary>
    private static string FirstForwardedFor(HttpContext context)
    {
        var values = context.Request.Headers[ForwardedFor];
        return values.Count == 0 ? string.Empty : values[0] ?? string.Empty;
    }

    private static string FromRight(string header, int depth)
    {
        // Walks left one comma per level without splitting, so a one-entry header is returned as is.
        var end = header.Length;
        for (var n = 1; n < depth; n++)
        {
            var comma = end == 0 ? -1 : header.LastIndexOf(',', end - 1);
            if (comma < 0)
            {
                return string.Empty;
            }

            end = comma;
        }

        var start = end == 0 ? 0 : header.LastIndexOf(',', end - 1) + 1;
        return Trimmed(header, start, end);
    }

    private static string FirstNotExcluded(string header, IpRanges excluded)
    {
        var end = header.Length;
        while (end >= 0)
        {
            var comma = end == 0 ? -1 : header.LastIndexOf(',', end - 1);
            var candidate = header.AsSpan(comma + 1, end - comma - 1).Trim();
            if (!candidate.IsEmpty && !excluded.Contains(candidate))
            {
                return Trimmed(header, comma + 1, end);
            }

            if (comma < 0)
            {
                return string.Empty;
            }

            end = comma;
        }

        return string.Empty;
    }

    private static string Trimmed(string header, int start, int end)
    {
        var span = header.AsSpan(start, end - start).Trim();
        return span.Length == header.Length ? header : span.ToString();
    }

    private string Subnet(string ip)
    {
        if (_ipv6Subnet == 0 || !IPAddress.TryParse(ip, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip;
        }

        return IpRanges.Mask(address, _ipv6Subnet).ToString();
    }
}

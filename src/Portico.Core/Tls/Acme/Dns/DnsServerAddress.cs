using System.Globalization;
using System.Net;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// A DNS server as <c>dnsChallenge.resolvers</c> names it: <c>host:port</c>, <c>[v6]:port</c>, or a bare host on port 53
/// (lego adds the port the same way). The host may be a name, resolved when queried.
/// </summary>
internal sealed record DnsServerAddress(string Host, int Port)
{
    public const int DefaultPort = 53;

    private const string ResolvConfPath = "/etc/resolv.conf";

    public static bool TryParse(string? text, out DnsServerAddress address)
    {
        address = new DnsServerAddress(string.Empty, DefaultPort);
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return false;
        }

        string host;
        var port = DefaultPort;
        if (IPAddress.TryParse(value, out var bare) && !value.StartsWith('['))
        {
            host = bare.ToString();
        }
        else if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(value[1..close], out _))
            {
                return false;
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0 && (!rest.StartsWith(':') || !TryParsePort(rest[1..], out port)))
            {
                return false;
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            host = colon < 0 ? value : value[..colon];
            if ((colon >= 0 && !TryParsePort(value[(colon + 1)..], out port)) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                return false;
            }
        }

        address = new DnsServerAddress(host, port);
        return true;
    }

    /// <summary>The <c>nameserver</c> lines of resolv.conf text, on port 53; glibc's default 127.0.0.1 when there are none.</summary>
    public static IReadOnlyList<DnsServerAddress> FromResolvConf(string text)
    {
        var servers = new List<DnsServerAddress>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && fields[0] == "nameserver" && IPAddress.TryParse(fields[1], out var ip))
            {
                servers.Add(new DnsServerAddress(ip.ToString(), DefaultPort));
            }
        }

        return servers.Count > 0 ? servers : [new DnsServerAddress("127.0.0.1", DefaultPort)];
    }

    /// <summary>The system's resolvers (/etc/resolv.conf), for when <c>dnsChallenge.resolvers</c> is empty.</summary>
    public static IReadOnlyList<DnsServerAddress> System() =>
        FromResolvConf(File.Exists(ResolvConfPath) ? File.ReadAllText(ResolvConfPath) : string.Empty);

    public async Task<IPEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var ip))
        {
            return new IPEndPoint(ip, Port);
        }

        var addresses = await global::System.Net.Dns.GetHostAddressesAsync(Host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], Port)
            : throw new AcmeException($"DNS resolver {Host} has no address");
    }

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
}

using System.Globalization;
using System.Net;

namespace Portico.Configuration.Static;

/// <summary>
/// An entry point address, <c>[host]:port[/tcp|/udp]</c>: the host may be empty (all interfaces), an IPv4
/// address, a bracketed IPv6 address or a name; the port is required (0 asks the system for a free port).
/// </summary>
public readonly record struct EntryPointAddress(string Host, int Port, bool IsUdp)
{
    /// <summary>The host as an IP address, or null when it is empty or a name.</summary>
    public IPAddress? IPAddress => Host.Length > 0 && System.Net.IPAddress.TryParse(Host, out var ip) ? ip : null;

    public string Protocol => IsUdp ? "udp" : "tcp";

    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host;
        return $"{host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Protocol}";
    }

    public static bool TryParse(string? text, out EntryPointAddress address, out string error)
    {
        address = default;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the address is required, for example \":80\"";
            return false;
        }

        var s = text.Trim();
        var isUdp = false;
        var slash = s.LastIndexOf('/');
        if (slash >= 0)
        {
            var protocol = s[(slash + 1)..];
            if (protocol.Equals("udp", StringComparison.OrdinalIgnoreCase))
            {
                isUdp = true;
            }
            else if (!protocol.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                error = $"invalid protocol \"{protocol}\" in address \"{text}\": use /tcp or /udp";
                return false;
            }

            s = s[..slash];
        }

        var colon = s.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"missing port in address \"{text}\": write it as [host]:port, for example \":80\"";
            return false;
        }

        var host = s[..colon];
        var portText = s[(colon + 1)..];
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || !System.Net.IPAddress.TryParse(host[1..^1], out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = $"invalid IPv6 host \"{host}\" in address \"{text}\"";
                return false;
            }

            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = $"too many colons in address \"{text}\": put an IPv6 host in brackets, for example \"[::1]:80\"";
            return false;
        }
        else if (host.Length > 0 && !IsValidHostName(host))
        {
            error = $"invalid host \"{host}\" in address \"{text}\"";
            return false;
        }

        if (portText.Length == 0 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = portText.Length == 0
                ? $"missing port in address \"{text}\""
                : $"invalid port \"{portText}\" in address \"{text}\": it must be a number from 0 to 65535";
            return false;
        }

        address = new EntryPointAddress(host, port, isUdp);
        return true;
    }

    private static bool IsValidHostName(string host)
    {
        foreach (var c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.' and not '_')
            {
                return false;
            }
        }

        return true;
    }
}

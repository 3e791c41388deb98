using System.Collections.Frozen;
using System.Net;
using Portico.Configuration;
using Portico.Configuration.Static;

namespace Portico.Forwarding;

/// <summary>The entry point's <c>forwardedHeaders</c> block, parsed once when the entry point is built.</summary>
internal sealed record ForwardedHeadersOptions
{
    /// <summary>Trust X-Forwarded-* from every peer.</summary>
    public bool Insecure { get; init; }

    /// <summary>Peers whose X-Forwarded-* headers are kept.</summary>
    public IReadOnlyList<IPNetwork> TrustedIPs { get; init; } = [];

    /// <summary>Headers a client may name in <c>Connection</c> that still pass through the middleware chain.</summary>
    public FrozenSet<string> Connection { get; init; } = FrozenSet<string>.Empty;

    public bool NotAppendXForwardedFor { get; init; }

    /// <summary>The value of X-Forwarded-Server: this proxy's host name.</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>Builds the options, adding one error per trusted IP that does not parse (the others still apply).</summary>
    public static ForwardedHeadersOptions Create(ForwardedHeadersConfig config, string item, ICollection<ConfigError> errors, string? hostname = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(errors);

        var networks = new List<IPNetwork>(config.TrustedIPs.Count);
        foreach (var text in config.TrustedIPs)
        {
            if (TryParseNetwork(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add(new ConfigError(item + ".forwardedHeaders.trustedIPs", $"'{text}' is not an IP address or CIDR range.", default));
            }
        }

        return new ForwardedHeadersOptions
        {
            Insecure = config.Insecure,
            TrustedIPs = networks,
            Connection = config.Connection.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            NotAppendXForwardedFor = config.NotAppendXForwardedFor,
            Hostname = hostname ?? Environment.MachineName,
        };
    }

    /// <summary>Accepts <c>10.0.0.0/8</c>, <c>::1/128</c> and bare addresses (a single host).</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network)
    {
        text = text.Trim();
        if (text.Contains('/'))
        {
            if (IPNetwork.TryParse(text, out network))
            {
                return true;
            }

            // Go accepts host bits after the prefix (10.1.2.3/8); IPNetwork does not, so mask them off.
            var slash = text.IndexOf('/');
            if (IPAddress.TryParse(text.AsSpan(0, slash), out var address) && int.TryParse(text.AsSpan(slash + 1), out var prefix)
                && prefix >= 0 && prefix <= (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
            {
                network = new IPNetwork(Mask(address, prefix), prefix);
                return true;
            }

            return false;
        }

        if (IPAddress.TryParse(text, out var host))
        {
            network = new IPNetwork(host, host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        network = default;
        return false;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }
}

using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Portico.Cli.Whoami;

/// <summary>
/// What the whoami backend says about itself: its name, the host name and every local IP address.
/// Computed once at start, because none of it changes per request and the lookups are slow.
/// </summary>
internal sealed record WhoamiIdentity(string? Name, string Hostname, IReadOnlyList<string> IPs)
{
    public static WhoamiIdentity Detect(string? name) =>
        new(string.IsNullOrEmpty(name) ? null : name, Dns.GetHostName(), LocalAddresses());

    private static string[] LocalAddresses()
    {
        var addresses = new List<string>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    var address = unicast.Address;

                    // Go's net.IP.String() prints no zone; drop the %scope that .NET appends to link-local IPv6.
                    if (address.AddressFamily == AddressFamily.InterNetworkV6)
                    {
                        address = new IPAddress(address.GetAddressBytes());
                    }

                    addresses.Add(address.ToString());
                }
            }
        }
        catch (NetworkInformationException)
        {
            // A sandbox without /proc/net still gets a working backend, just without IP lines.
        }

        return [.. addresses];
    }
}

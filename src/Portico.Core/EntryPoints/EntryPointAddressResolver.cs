using System.Net;

namespace Portico.EntryPoints;

/// <summary>Turns an entry point address (<c>:80</c>, <c>127.0.0.1:8080</c>, <c>[::1]:443/tcp</c>, <c>localhost:80</c>) into a socket address.</summary>
internal static class EntryPointAddressResolver
{
    public static bool TryResolve(string? address, out IPEndPoint endPoint, out string error)
    {
        endPoint = new IPEndPoint(IPAddress.IPv6Any, 0);
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(address))
        {
            error = "address is required";
            return false;
        }

        var text = address.Trim();
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            var protocol = text[(slash + 1)..];
            if (!protocol.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                error = $"protocol \"{protocol}\" is not served by HTTP entry points";
                return false;
            }

            text = text[..slash];
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            error = $"\"{address}\" is not host:port";
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        IPAddress ip;
        if (host.Length == 0)
        {
            ip = IPAddress.IPv6Any;
        }
        else if (!IPAddress.TryParse(host, out ip!))
        {
            try
            {
                ip = Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new InvalidOperationException();
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or InvalidOperationException or ArgumentException)
            {
                error = $"cannot resolve host \"{host}\"";
                return false;
            }
        }

        endPoint = new IPEndPoint(ip, port);
        return true;
    }
}

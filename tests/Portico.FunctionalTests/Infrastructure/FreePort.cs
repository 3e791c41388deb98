using System.Net;
using System.Net.Sockets;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>
/// A loopback port that was free a moment ago, for the rare configuration that must name its port up front (a redirect
/// target, a backend restarted on the same port). Everything else binds port 0.
/// </summary>
internal static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

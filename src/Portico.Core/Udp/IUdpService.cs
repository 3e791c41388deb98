using System.Net;

namespace Portico.Udp;

/// <summary>
/// A UDP service: picks the backend server for each new session (client address). Built once per configuration; its
/// rotation state is shared by every session created through it.
/// </summary>
internal interface IUdpService
{
    string Name { get; }

    /// <summary>The server for a new session, or null when the service has none.</summary>
    UdpServerTarget? Next();
}

/// <summary>One <c>servers[]</c> entry, its address parsed at build time (an IP address, or a host name resolved per session).</summary>
internal sealed record UdpServerTarget(string Address, EndPoint EndPoint);

/// <summary>The router serving a UDP entry point, and its service.</summary>
internal sealed record UdpRoute(string RouterName, IUdpService Service);

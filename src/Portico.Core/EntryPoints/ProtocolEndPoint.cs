using System.Net;

namespace Portico.EntryPoints;

/// <summary>The protocol a classified connection is handed to.</summary>
internal enum ConnectionProtocol
{
    Http1,
    H2c,
}

/// <summary>
/// A Kestrel endpoint that is not a socket: connections reach it from <see cref="EntryPointListener"/> after their first
/// bytes told which protocol they speak. Kestrel binds one per protocol of an entry point.
/// </summary>
internal sealed class ProtocolEndPoint : EndPoint
{
    public ProtocolEndPoint(string entryPoint, ConnectionProtocol protocol)
    {
        EntryPoint = entryPoint;
        Protocol = protocol;
    }

    public string EntryPoint { get; }

    public ConnectionProtocol Protocol { get; }

    public override string ToString() => $"{EntryPoint}/{Protocol}";
}

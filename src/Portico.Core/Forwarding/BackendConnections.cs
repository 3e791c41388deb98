using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Portico.Forwarding;

/// <summary>
/// Opens backend connections and remembers which server URL host each one was opened for. SocketsHttpHandler verifies
/// and names TLS connections after the request's Host header; the certificate check needs the URL's host instead.
/// </summary>
internal static class BackendConnections
{
    private static readonly ConditionalWeakTable<Stream, string> Hosts = [];

    /// <summary>
    /// The certificate callback only receives the <see cref="SslStream"/>, whose inner stream (the one opened here) is
    /// protected: read once per handshake through a delegate bound at startup.
    /// </summary>
    private static readonly Func<AuthenticatedStream, Stream> InnerStream = typeof(AuthenticatedStream)
        .GetProperty("InnerStream", BindingFlags.Instance | BindingFlags.NonPublic)!
        .GetMethod!
        .CreateDelegate<Func<AuthenticatedStream, Stream>>();

    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            Hosts.AddOrUpdate(stream, context.DnsEndPoint.Host);
            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The server URL host of the connection a TLS handshake runs on, or null when unknown.</summary>
    public static string? HostOf(object? sender) =>
        sender is SslStream ssl && Hosts.TryGetValue(InnerStream(ssl), out var host) ? host : null;
}

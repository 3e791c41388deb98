using System.Net;
using System.Net.Sockets;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>
/// An HttpClient whose connections leave from a chosen loopback address (127.0.0.2, 127.0.0.3, ...), so one test can
/// play many clients for strategies and matchers that key on the client IP.
/// </summary>
internal static class SourceAddressClient
{
    public static HttpClient Create(IPAddress source) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        Timeout = PorticoHost.Timeout,
    };
}

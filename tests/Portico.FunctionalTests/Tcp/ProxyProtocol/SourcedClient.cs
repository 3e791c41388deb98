using System.Net;
using System.Net.Sockets;
using System.Text;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tcp.ProxyProtocol;

/// <summary>
/// A raw TCP client that may leave from a chosen loopback address (127.0.0.2, ...), so a test can be a trusted or an
/// untrusted peer, send a PROXY header of its own, and read what comes back until the server closes.
/// </summary>
internal sealed class SourcedClient : IDisposable
{
    private readonly Socket _socket;

    private SourcedClient(Socket socket) => _socket = socket;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static async Task<SourcedClient> ConnectAsync(int port, IPAddress? source = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source ?? IPAddress.Loopback, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(PorticoHost.Timeout);
            return new SourcedClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(byte[] bytes)
    {
        try
        {
            await _socket.SendAsync(bytes, SocketFlags.None).WaitAsync(PorticoHost.Timeout);
        }
        catch (SocketException)
        {
            // The server may already have closed; what it answered is what the test checks.
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads one chunk (a greeting); empty when the server closed without a byte.</summary>
    public async Task<string> ReadSomeAsync()
    {
        var buffer = new byte[4096];
        try
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(PorticoHost.Timeout);
            return Encoding.Latin1.GetString(buffer, 0, read);
        }
        catch (SocketException)
        {
            return string.Empty;
        }
    }

    /// <summary>Reads until the server closes (or resets) the connection; throws if it stays open past the timeout.</summary>
    public async Task<string> ReadToCloseAsync()
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(PorticoHost.Timeout)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset also ends the connection.
        }

        return Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
    }

    public void Dispose() => _socket.Dispose();
}

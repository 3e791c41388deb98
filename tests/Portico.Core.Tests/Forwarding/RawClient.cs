using System.Net.Sockets;
using System.Text;

namespace Portico.Tests.Forwarding;

/// <summary>Sends a hand-written HTTP/1.1 request, for headers HttpClient would rewrite (Connection, Upgrade).</summary>
internal static class RawClient
{
    /// <summary>Sends <paramref name="head"/> (which should say <c>Connection: close</c>) and returns everything until the server closes.</summary>
    public static async Task<string> SendAsync(Uri server, string head)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port).WaitAsync(KestrelHost.Timeout);
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None).WaitAsync(KestrelHost.Timeout);
        var output = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var count = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(KestrelHost.Timeout);
            if (count == 0)
            {
                return Encoding.ASCII.GetString(output.ToArray());
            }

            output.Write(buffer, 0, count);
        }
    }
}

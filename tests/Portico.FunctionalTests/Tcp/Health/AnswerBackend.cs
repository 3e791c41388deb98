using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portico.FunctionalTests.Tcp.Health;

/// <summary>
/// A TCP backend for health checks: it reads what the client sends and, once it has the request's length
/// in bytes, writes the answer (nothing when null: a server that never answers), then waits for the
/// client to close.
/// </summary>
internal sealed class AnswerBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[]? _answer;
    private readonly int _requestLength;
    private readonly Task _accepting;

    public AnswerBackend(string request, string? answer)
    {
        _requestLength = Encoding.ASCII.GetByteCount(request);
        _answer = answer is null ? null : Encoding.ASCII.GetBytes(answer);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var owned = socket;
        try
        {
            var buffer = new byte[1024];
            var received = 0;
            while (received < _requestLength)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(received), _stop.Token);
                if (read == 0)
                {
                    return;
                }

                received += read;
            }

            if (_answer is not null)
            {
                await socket.SendAsync(_answer, _stop.Token);
            }

            // Wait for the client to close.
            while (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }
    }
}

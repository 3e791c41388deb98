using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>
/// A TCP client that sends exactly the bytes it is given, so tests can send what no well-behaved HTTP client would
/// (ambiguous framing, bare CR, NUL, obfuscated headers), and reads what comes back until the server closes.
/// </summary>
internal sealed class RawHttpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _received = new();

    private RawHttpClient(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Everything read so far, as Latin-1 text (one char per byte).</summary>
    public string Received => Encoding.Latin1.GetString(_received.GetBuffer(), 0, (int)_received.Length);

    public static async Task<RawHttpClient> ConnectAsync(Uri url)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(url.Host), url.Port)).WaitAsync(PorticoHost.Timeout);
        return new RawHttpClient(socket);
    }

    /// <summary>Connects, sends <paramref name="request"/> and reads until the server closes or <paramref name="timeout"/> passes.</summary>
    public static async Task<RawResult> ExchangeAsync(Uri url, string request, TimeSpan? timeout = null)
    {
        using var client = await ConnectAsync(url);
        await client.SendAsync(request);
        return await client.ReadUntilCloseAsync(timeout ?? PorticoHost.Timeout);
    }

    /// <summary>Sends the text as Latin-1 bytes, so <c>\0</c>, <c>\r</c> and bytes above 0x7F go out exactly as written.</summary>
    public async Task SendAsync(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        try
        {
            await _socket.SendAsync(bytes, SocketFlags.None).WaitAsync(PorticoHost.Timeout);
        }
        catch (SocketException)
        {
            // The server may already have rejected and closed; what it answered is what the test checks.
        }
    }

    /// <summary>Reads until the server closes the connection (or resets it), or until <paramref name="timeout"/>.</summary>
    public async Task<RawResult> ReadUntilCloseAsync(TimeSpan timeout)
    {
        var started = TimeProvider.System.GetTimestamp();
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16 * 1024];
        var closed = false;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    closed = true;
                    break;
                }

                _received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
            closed = true;
        }

        return new RawResult(Received, closed, TimeProvider.System.GetElapsedTime(started));
    }

    /// <summary>
    /// Reads until <paramref name="count"/> complete response heads (status line up to the blank line) have arrived.
    /// Bodies in these tests never contain a line starting with <c>HTTP/1.</c>.
    /// </summary>
    public async Task<string> ReadHeadsAsync(int count = 1)
    {
        using var cts = new CancellationTokenSource(PorticoHost.Timeout);
        var buffer = new byte[16 * 1024];
        while (CompleteHeads(Received) < count)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (read == 0)
            {
                break;
            }

            _received.Write(buffer, 0, read);
        }

        return Received;
    }

    /// <summary>
    /// Reads and drops bytes until the server closes, <paramref name="limit"/> bytes have come, or <paramref name="timeout"/>
    /// passes; for responses too large to keep. Returns whether the server closed and how many bytes were read.
    /// </summary>
    public async Task<(bool Closed, long Bytes)> DrainAsync(long limit, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            while (total < limit)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    return (true, total);
                }

                total += read;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
            return (true, total);
        }

        return (false, total);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _received.Dispose();
    }

    private static int CompleteHeads(string text)
    {
        var count = 0;
        for (var i = text.IndexOf("HTTP/1.", StringComparison.Ordinal); i >= 0; i = text.IndexOf("HTTP/1.", i + 1, StringComparison.Ordinal))
        {
            if ((i == 0 || text[i - 1] == '\n') && text.IndexOf("\r\n\r\n", i, StringComparison.Ordinal) >= 0)
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>What a raw exchange produced: the bytes as text, whether the server closed, and how long it took.</summary>
internal sealed record RawResult(string Text, bool Closed, TimeSpan Elapsed)
{
    /// <summary>The status codes of every response in <see cref="Text"/>, in order.</summary>
    public IReadOnlyList<int> Statuses
    {
        get
        {
            var statuses = new List<int>();
            var i = Text.IndexOf("HTTP/1.", StringComparison.Ordinal);
            while (i >= 0 && i + 12 <= Text.Length)
            {
                // Only a status line at the start of the text or right after a line break counts.
                if ((i == 0 || Text[i - 1] == '\n') && int.TryParse(Text.AsSpan(i + 9, 3), out var status))
                {
                    statuses.Add(status);
                }

                i = Text.IndexOf("HTTP/1.", i + 1, StringComparison.Ordinal);
            }

            return statuses;
        }
    }

    public int? FirstStatus => Statuses.Count > 0 ? Statuses[0] : null;
}

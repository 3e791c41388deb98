using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Portico.Tcp.Health;

/// <summary>
/// One TCP health check of one server, as Traefik's: connect (to <c>port</c> when set, with TLS when the server has
/// <c>tls</c>), write <c>send</c>, then read as many bytes as <c>expect</c> has and compare them. Returns null when healthy,
/// otherwise why not. The caller's token carries the <c>timeout</c>.
/// </summary>
internal sealed class TcpHealthProbe
{
    private readonly byte[] _send;
    private readonly byte[] _expect;

    public TcpHealthProbe(TcpHealthCheckConfig config)
    {
        Port = config.Port;
        _send = Encoding.UTF8.GetBytes(config.Send ?? string.Empty);
        _expect = Encoding.UTF8.GetBytes(config.Expect ?? string.Empty);
    }

    public int Port { get; }

    /// <param name="endPoint">The server's address (its port is replaced by <c>port</c> when set).</param>
    /// <param name="tls">The TLS options for this server; null for cleartext.</param>
    public async Task<string?> ProbeAsync(EndPoint endPoint, SslClientAuthenticationOptions? tls, CancellationToken cancellationToken)
    {
        var target = Port <= 0 ? endPoint : endPoint switch
        {
            IPEndPoint ip => new IPEndPoint(ip.Address, Port),
            DnsEndPoint dns => new DnsEndPoint(dns.Host, Port),
            _ => endPoint,
        };

        // 1. Connect (a refused or unreachable server fails here).
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return $"connecting to {Describe(target)}: {ex.Message}";
        }

        // 2. TLS, when the proxied connections use it: a server whose handshake fails cannot serve them either.
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        Stream channel = stream;
        SslStream? ssl = null;
        try
        {
            if (tls is not null)
            {
                ssl = new SslStream(stream, leaveInnerStreamOpen: true);
                await ssl.AuthenticateAsClientAsync(tls, cancellationToken).ConfigureAwait(false);
                channel = ssl;
            }

            // 3. Send, then read exactly as many bytes as expected (or until the server closes).
            if (_send.Length > 0)
            {
                await channel.WriteAsync(_send, cancellationToken).ConfigureAwait(false);
                await channel.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return _expect.Length == 0 ? null : await ExpectAsync(channel, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            return $"talking to {Describe(target)}: {ex.Message}";
        }
        finally
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<string?> ExpectAsync(Stream channel, CancellationToken cancellationToken)
    {
        var received = new byte[_expect.Length];
        var count = 0;
        while (count < received.Length)
        {
            var read = await channel.ReadAsync(received.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        if (count == received.Length && received.AsSpan().SequenceEqual(_expect))
        {
            return null;
        }

        return $"unexpected health check response \"{Printable(received.AsSpan(0, count))}\"";
    }

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? string.Empty,
    };

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '.' : c);
        }

        return builder.ToString();
    }
}

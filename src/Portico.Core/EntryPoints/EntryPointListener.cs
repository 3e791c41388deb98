using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Portico.EntryPoints;

/// <summary>
/// The socket of one entry point. It accepts connections, looks at their first bytes without consuming them, and hands
/// each to the Kestrel endpoint of its protocol: the HTTP/2 connection preface means h2c, anything else HTTP/1.x.
/// A client that sends nothing within the read timeout is closed.
/// </summary>
internal sealed partial class EntryPointListener : IAsyncDisposable
{
    private static readonly byte[] H2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly string _name;
    private readonly Socket _socket;
    private readonly ProtocolListenerFactory _dispatch;
    private readonly SocketConnectionContextFactory _connections;
    private readonly TimeSpan _firstByteTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _acceptLoop;

    public EntryPointListener(string name, IPEndPoint endPoint, ProtocolListenerFactory dispatch, TimeSpan firstByteTimeout, ILoggerFactory loggerFactory)
    {
        _name = name;
        _dispatch = dispatch;
        _firstByteTimeout = firstByteTimeout;
        _logger = loggerFactory.CreateLogger("Portico.EntryPoints");
        _connections = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), loggerFactory.CreateLogger<SocketConnectionContextFactory>());
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            // ":80" listens on both IPv4 and IPv6, as Go does.
            _socket.DualMode = true;
        }

        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.NoDelay = true;
        _socket.Bind(endPoint);
        _socket.Listen(1024);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>The bound address (the real port when the configuration asked for port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public void Start() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Stops accepting; connections already handed to Kestrel are drained by Kestrel.</summary>
    public async Task StopAcceptingAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAcceptingAsync().ConfigureAwait(false);
        _connections.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Running out of descriptors or a connection reset before accept: keep serving.
                LogAcceptFailed(_logger, _name, ex.SocketErrorCode);
                continue;
            }

            accepted.NoDelay = true;
            var connection = _connections.Create(accepted);
            _ = ClassifyAsync(connection);
        }
    }

    private async Task ClassifyAsync(ConnectionContext connection)
    {
        ConnectionProtocol? protocol = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            if (_firstByteTimeout > TimeSpan.Zero)
            {
                timeout.CancelAfter(_firstByteTimeout);
            }

            try
            {
                protocol = await PeekProtocolAsync(connection, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogNoRequest(_logger, _name, connection.RemoteEndPoint);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ConnectionResetException)
            {
            }
        }

        if (protocol is null || !_dispatch.TryDispatch(protocol.Value, connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads until the first bytes decide the protocol, then rewinds so Kestrel reads them again.</summary>
    private static async Task<ConnectionProtocol?> PeekProtocolAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var decision = Decide(buffer);
            if (decision is not null || result.IsCompleted)
            {
                // Examined nothing: the next read (Kestrel's) returns these bytes at once.
                input.AdvanceTo(buffer.Start, buffer.Start);
                return result.IsCompleted && decision is null ? null : decision;
            }

            // Undecided: everything seen was examined, so the next read waits for more bytes.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static ConnectionProtocol? Decide(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[24];
        var length = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, length).CopyTo(head);
        head = head[..length];
        if (length == 0)
        {
            return null;
        }

        if (!H2Preface.AsSpan(0, length).SequenceEqual(head))
        {
            return ConnectionProtocol.Http1;
        }

        return length == H2Preface.Length ? ConnectionProtocol.H2c : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Entry point {EntryPoint}: accept failed ({Error})")]
    private static partial void LogAcceptFailed(ILogger logger, string entryPoint, SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Entry point {EntryPoint}: closing {Remote}, which sent nothing within the read timeout")]
    private static partial void LogNoRequest(ILogger logger, string entryPoint, EndPoint? remote);
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Portico.Configuration.Static;
using Portico.Runtime;

namespace Portico.Udp;

/// <summary>
/// A UDP entry point (<c>address: ":53/udp"</c>): one socket receiving every client's datagrams, a session per client
/// address with its own backend socket, and a timer on the injected clock that ends sessions idle for <c>udp.timeout</c>.
/// The route is read from the live snapshot only when a new client appears: a reload never moves established sessions.
/// </summary>
internal sealed partial class UdpEntryPoint : IAsyncDisposable
{
    /// <summary>The largest UDP payload (64 KiB minus the headers); every datagram up to it is relayed whole.</summary>
    public const int MaxDatagram = 65_535;

    /// <summary>Drops are logged at most once per this interval, with their count, so a flood cannot flood the log.</summary>
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    private readonly RuntimeHolder _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly UdpSessionTable<UdpSession> _sessions;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private Task _receiving = Task.CompletedTask;
    private ITimer? _sweeper;
    private long _refusedFull;
    private long _droppedOther;
    private long _dropsSinceLog;
    private long _lastDropLog;
    private bool _loggedDrop;

    public UdpEntryPoint(string name, UdpConfig config, RuntimeHolder runtime, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (config.Timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"entry point \"{name}\": udp.timeout must be greater than zero");
        }

        if (config.MaxSessions <= 0)
        {
            throw new InvalidOperationException($"entry point \"{name}\": udp.maxSessions must be greater than zero");
        }

        Name = name;
        _runtime = runtime;
        _time = time;
        _timeout = config.Timeout;
        _sessions = new UdpSessionTable<UdpSession>(config.MaxSessions);
        _logger = loggerFactory.CreateLogger("Portico.Udp");
    }

    public string Name { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)(_socket?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    public int SessionCount => _sessions.Count;

    /// <summary>Datagrams from new clients refused because the session table was full.</summary>
    public long RefusedNewClients => Interlocked.Read(ref _refusedFull);

    /// <summary>Datagrams from new clients dropped for another reason: no router, no server, the backend unreachable.</summary>
    public long DroppedNewClients => Interlocked.Read(ref _droppedOther);

    /// <summary>Turns <c>host:port/udp</c> into the address to bind; an empty host means every IPv4 and IPv6 address.</summary>
    public static bool TryResolve(string? address, out IPEndPoint endPoint, out string error)
    {
        var text = address?.Trim() ?? string.Empty;
        if (text.EndsWith("/udp", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^4];
        }

        return EntryPoints.EntryPointAddressResolver.TryResolve(text, out endPoint, out error);
    }

    public void Start(IPEndPoint bind)
    {
        _socket = Bind(bind);
        _receiving = ReceiveAsync(_socket, _stopping.Token);

        // Traefik checks idle sessions ten times per timeout: a session ends between 1 and 1.1 timeouts after its last datagram.
        var period = _timeout / 10;
        _sweeper = _time.CreateTimer(_ => Sweep(), null, period, period);
    }

    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        await _receiving.ConfigureAwait(false);
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        _sessions.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static Socket Bind(IPEndPoint bind)
    {
        Socket socket;
        if (bind.Address.Equals(IPAddress.IPv6Any) && !Socket.OSSupportsIPv6)
        {
            bind = new IPEndPoint(IPAddress.Any, bind.Port);
        }

        socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (bind.Address.Equals(IPAddress.IPv6Any))
            {
                // An address without a host (":53/udp") listens on IPv4 and IPv6 alike, as Go's "udp" listener does.
                socket.DualMode = true;
            }

            socket.Bind(bind);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Sweep()
    {
        var removed = _sessions.RemoveIdle(_time, _timeout);
        if (removed > 0)
        {
            LogSessionsExpired(_logger, Name, removed, _sessions.Count);
        }
    }

    private void Dropped(bool full, string reason)
    {
        Interlocked.Increment(ref full ? ref _refusedFull : ref _droppedOther);

        // Only the receive loop drops datagrams, so the rate limit needs no lock.
        _dropsSinceLog++;
        var now = _time.GetTimestamp();
        if (!_loggedDrop || _time.GetElapsedTime(_lastDropLog, now) >= DropLogInterval)
        {
            LogDropped(_logger, Name, _dropsSinceLog, reason);
            _dropsSinceLog = 0;
            _lastDropLog = now;
            _loggedDrop = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "UDP entry point {EntryPoint}: dropped {Count} datagram(s) from new client addresses since the last report; latest reason: {Reason}")]
    private static partial void LogDropped(ILogger logger, string entryPoint, long count, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP entry point {EntryPoint}: {Count} idle session(s) expired, {Left} left")]
    private static partial void LogSessionsExpired(ILogger logger, string entryPoint, int count, int left);

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP entry point {EntryPoint}: session {Client} -> {Backend} (router {Router}) ended: {Reason}")]
    private static partial void LogSessionEnded(ILogger logger, string entryPoint, IPEndPoint client, string backend, string router, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "UDP entry point {EntryPoint}: receiving failed, the entry point stops")]
    private static partial void LogReceiveFailed(ILogger logger, string entryPoint, Exception exception);
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Portico.Runtime;
using Portico.Tcp.Proxying;
using Portico.Tcp.Routing;
using Portico.Tcp.Services;

namespace Portico.EntryPoints;

/// <summary>Serves the connections a TCP route took on one entry point: TLS termination if asked, dial, proxy.</summary>
internal sealed partial class TcpConnectionHandler(string entryPoint, RuntimeHolder runtime, TimeSpan readTimeout, TimeProvider time, ILogger logger)
{
    public string EntryPoint { get; } = entryPoint;

    public RuntimeHolder Runtime { get; } = runtime;

    /// <summary>How long a new connection may stay silent before its first bytes decide its route (the entry point's read timeout).</summary>
    public TimeSpan FirstBytesTimeout { get; } = readTimeout > TimeSpan.Zero ? readTimeout : TimeSpan.FromSeconds(60);

    /// <summary>Runs the route's middlewares (a refusal closes the connection), then proxies.</summary>
    /// <remarks>
    /// Proxying:
    /// 1. take the socket from Kestrel (only the socket transport gives one);
    /// 2. terminate TLS with the snapshot's certificate for the SNI, unless the route passes TLS through;
    /// 3. dial the route's service (which tries its next servers on failure);
    /// 4. send the transport's PROXY header, if any, then proxy until both directions end. The route was resolved once:
    /// reloads never move an open connection.
    /// </remarks>
    public async Task ServeAsync(ConnectionContext connection, TcpRoute route, string? serverName)
    {
        var middlewares = route.Middlewares;
        if (middlewares.Length == 0)
        {
            await ProxyAsync(connection, route, serverName).ConfigureAwait(false);
            return;
        }

        // The router's middlewares see the client address (after PROXY protocol) first; a refusal closes the connection.
        var client = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        var entered = 0;
        try
        {
            for (; entered < middlewares.Length; entered++)
            {
                if (!middlewares[entered].TryEnter(client))
                {
                    LogRefused(logger, EntryPoint, route.RouterName, middlewares[entered].Name, client?.ToString() ?? "?");
                    return;
                }
            }

            await ProxyAsync(connection, route, serverName).ConfigureAwait(false);
        }
        finally
        {
            for (var i = 0; i < entered; i++)
            {
                middlewares[i].Leave(client);
            }
        }
    }

    private async Task ProxyAsync(ConnectionContext connection, TcpRoute route, string? serverName)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            LogNoSocket(logger, EntryPoint, route.RouterName);
            return;
        }

        TcpPeer client;
        if (route.Tls == TcpTlsMode.Terminate)
        {
            var terminated = await TerminateAsync(connection, socket, route, serverName).ConfigureAwait(false);
            if (terminated is null)
            {
                return;
            }

            client = terminated;
        }
        else
        {
            client = new KestrelClientPeer(connection.Transport.Input, socket);
        }

        await using (client.ConfigureAwait(false))
        {
            var addresses = new TcpClientAddresses(connection.RemoteEndPoint as IPEndPoint, connection.LocalEndPoint as IPEndPoint);
            var backend = await route.Service.ConnectAsync(addresses, CancellationToken.None).ConfigureAwait(false);
            if (backend is null)
            {
                LogNoBackend(logger, EntryPoint, route.RouterName, route.Service.Name);
                return;
            }

            LogProxying(logger, EntryPoint, route.RouterName, backend.Address);
            await using var backendPeer = backend.ToPeer();
            await TcpProxy.ProxyAsync(client, backendPeer, backend.Transport.TerminationDelay, time).ConfigureAwait(false);
        }
    }

    private async Task<TcpPeer?> TerminateAsync(ConnectionContext connection, Socket socket, TcpRoute route, string? serverName)
    {
        var options = Runtime.Current.Tls.Select(serverName, route.TlsOptions);
        if (options is null)
        {
            LogTlsRefused(logger, EntryPoint, route.RouterName, serverName ?? string.Empty);
            return null;
        }

        var ssl = new SslStream(new KestrelSocketStream(connection.Transport.Input, socket), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(FirstBytesTimeout, time);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
            return new StreamPeer(ssl, socket);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            LogHandshakeFailed(logger, EntryPoint, route.RouterName, ex.Message);
            await ssl.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Entry point {EntryPoint}: TCP router {Router} proxies to {Address}")]
    private static partial void LogProxying(ILogger logger, string entryPoint, string router, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Entry point {EntryPoint}: TCP router {Router}: service {Service} has no server that accepts connections; closing the client connection")]
    private static partial void LogNoBackend(ILogger logger, string entryPoint, string router, string service);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Entry point {EntryPoint}: TCP router {Router}: TLS handshake failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string entryPoint, string router, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Entry point {EntryPoint}: TCP router {Router}: no certificate for \"{ServerName}\" (sniStrict), closing")]
    private static partial void LogTlsRefused(ILogger logger, string entryPoint, string router, string serverName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Entry point {EntryPoint}: TCP router {Router}: middleware {Middleware} refused the connection from {Client}")]
    private static partial void LogRefused(ILogger logger, string entryPoint, string router, string middleware, string client);

    [LoggerMessage(Level = LogLevel.Error, Message = "Entry point {EntryPoint}: TCP router {Router}: the connection has no socket to proxy on")]
    private static partial void LogNoSocket(ILogger logger, string entryPoint, string router);
}

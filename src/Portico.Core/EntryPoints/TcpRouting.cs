using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.Tcp;
using Portico.Tcp.Routing;

namespace Portico.EntryPoints;

/// <summary>
/// TCP routers on an entry point, sharing its port with HTTP as in Traefik: each new connection is first offered to the
/// TCP routes of the snapshot current at accept time; when none takes it, it goes on to the HTTP stack
/// (<see cref="TlsOrPlain"/>) with every byte still unread. An entry point without TCP routes pays one dictionary
/// look-up per connection and nothing per request.
/// </summary>
/// <remarks>
/// The first bytes are peeked from Kestrel's input pipe without consuming them, so HTTP, TLS termination and passthrough
/// all read the stream from its first byte. A TCP route then proxies on the connection's socket directly
/// (<see cref="Tcp.Proxying.KestrelClientPeer"/>) so that half-close works in both directions.
/// </remarks>
internal static partial class TcpRouting
{
    public static ListenOptions UseTcpRouting(this ListenOptions listen, TcpConnectionHandler handler)
    {
        listen.Use(next => connection => OnConnectionAsync(connection, next, handler));
        return listen;
    }

    private static Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next, TcpConnectionHandler handler)
    {
        // HTTP-only entry points (the common case) go straight on, without an async state machine.
        return handler.Runtime.Current.Tcp.TryGetValue(handler.EntryPoint, out var table) && !table.IsEmpty
            ? RouteAsync(connection, next, handler, table)
            : next(connection);
    }

    /// <summary>
    /// Traefik's order:
    /// 1. fast path: no TLS router on the entry point and a non-TLS TCP route that matches on the client address alone
    ///    takes the connection before any byte (server-first protocols);
    /// 2. otherwise peek the first bytes: cleartext goes to the non-TLS TCP routes, else to HTTP;
    /// 3. TLS: ACME TLS-ALPN-01 validations and names an HTTPS router serves exactly go to HTTP; then a TLS TCP route with
    ///    a real condition; then HTTPS when any HTTPS router exists; then a TLS catch-all TCP route; else HTTP.
    /// </summary>
    private static async Task RouteAsync(ConnectionContext connection, ConnectionDelegate next, TcpConnectionHandler handler, TcpRouteTable table)
    {
        var clientIP = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (table.RoutesBeforeFirstByte && table.MatchPlain(new TcpConnectionInfo(clientIP, null)) is { } early)
        {
            await handler.ServeAsync(connection, early, serverName: null).ConfigureAwait(false);
            return;
        }

        var (kind, hello) = await PeekAsync(connection.Transport.Input, connection.ConnectionClosed, handler.FirstBytesTimeout).ConfigureAwait(false);
        if (kind == ClientHelloStatus.Incomplete)
        {
            // Closed or silent past the entry point's read timeout before saying anything.
            return;
        }

        if (kind == ClientHelloStatus.NotTls)
        {
            if (table.MatchPlain(new TcpConnectionInfo(clientIP, null)) is { } plain)
            {
                await handler.ServeAsync(connection, plain, serverName: null).ConfigureAwait(false);
                return;
            }

            await next(connection).ConfigureAwait(false);
            return;
        }

        var info = new TcpConnectionInfo(clientIP, hello ?? new ClientHelloInfo(null, []));
        var route = OffersAcmeTls(info) || table.HttpsHosts.Contains(info.ServerName) ? null : table.MatchTls(info);
        if (route is not null && (!route.IsCatchAll || !table.HasHttpsRouters))
        {
            await handler.ServeAsync(connection, route, info.ServerName).ConfigureAwait(false);
            return;
        }

        await next(connection).ConfigureAwait(false);
    }

    private static bool OffersAcmeTls(TcpConnectionInfo info)
    {
        foreach (var protocol in info.ApplicationProtocols)
        {
            if (protocol == TcpRuleCompiler.AcmeTlsProtocol)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads until the ClientHello is complete, or the bytes are not TLS, consuming nothing. <see cref="ClientHelloStatus.Incomplete"/>
    /// means the client closed or stayed silent past <paramref name="timeout"/>; a malformed or truncated hello counts as TLS
    /// without SNI (the TLS handshake that follows refuses it).
    /// </summary>
    private static async Task<(ClientHelloStatus Kind, ClientHelloInfo? Hello)> PeekAsync(PipeReader input, CancellationToken closed, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closed);
        deadline.CancelAfter(timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (ClientHelloStatus.Incomplete, null);
            }

            var buffer = result.Buffer;
            var kind = ClientHelloParser.TryParse(buffer, out var hello, out _);
            if (kind == ClientHelloStatus.Incomplete && (result.IsCompleted || result.IsCanceled))
            {
                kind = buffer.IsEmpty ? ClientHelloStatus.Incomplete : ClientHelloStatus.Invalid;
                input.AdvanceTo(buffer.Start, buffer.Start);
                return (kind, null);
            }

            // Nothing is consumed; marking everything examined makes the next read wait for more bytes, and once decided,
            // examining nothing lets whoever reads next see the same bytes at once.
            var decided = kind != ClientHelloStatus.Incomplete;
            input.AdvanceTo(buffer.Start, decided ? buffer.Start : buffer.End);
            if (decided)
            {
                return (kind, hello);
            }
        }
    }
}

using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Portico.Tcp.ProxyProtocol;

namespace Portico.EntryPoints;

/// <summary>
/// PROXY protocol received on an entry point (<c>entryPoints.&lt;n&gt;.proxyProtocol</c>), as Traefik's go-proxyproto
/// listener: the first connection middleware, so TCP routing, TLS and HTTP all see the client address the header carries
/// and none of its bytes. The header is optional. A trusted peer's header replaces the connection's remote (and local)
/// address; an untrusted peer's header is read and dropped, and its connection keeps the peer's own address (Traefik's
/// IGNORE policy). A malformed or truncated header closes the connection.
/// </summary>
internal static partial class ProxyProtocolReceiver
{
    public static ListenOptions UseProxyProtocol(this ListenOptions listen, ProxyProtocolPolicy policy, TimeSpan readTimeout, string entryPoint, ILogger logger)
    {
        // A zero read timeout means no limit in Traefik; go-proxyproto then waits for the header as long as it takes.
        var timeout = readTimeout > TimeSpan.Zero ? readTimeout : Timeout.InfiniteTimeSpan;
        listen.Use(next => connection => ReceiveAsync(connection, next, policy, timeout, entryPoint, logger));
        return listen;
    }

    /// <summary>
    /// 1. read until the first bytes are a whole header, or are not a header at all (nothing consumed then);
    /// 2. on a complete header from a trusted peer, take its addresses as the connection's;
    /// 3. consume exactly the header and hand the connection on with the client's own bytes unread.
    /// </summary>
    private static async Task ReceiveAsync(ConnectionContext connection, ConnectionDelegate next, ProxyProtocolPolicy policy, TimeSpan timeout, string entryPoint, ILogger logger)
    {
        var peer = connection.RemoteEndPoint as IPEndPoint;
        var input = connection.Transport.Input;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        deadline.CancelAfter(timeout);
        var seen = 0L;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (seen == 0 && !connection.ConnectionClosed.IsCancellationRequested)
                {
                    // Silent past the read timeout: go-proxyproto then serves the connection as one without a header.
                    break;
                }

                LogInvalid(logger, entryPoint, peer?.ToString() ?? "?", "the PROXY header did not arrive whole within the entry point's read timeout");
                return;
            }

            var buffer = result.Buffer;
            seen = buffer.Length;
            var status = ProxyHeaderReader.TryParse(buffer, out var header, out var consumed, out var error);
            if (status == ProxyHeaderStatus.Absent)
            {
                input.AdvanceTo(buffer.Start, buffer.Start);
                break;
            }

            if (status == ProxyHeaderStatus.Complete)
            {
                input.AdvanceTo(buffer.GetPosition(consumed));
                Apply(connection, header!, policy.Trusts(peer?.Address), entryPoint, peer, logger);
                break;
            }

            if (status == ProxyHeaderStatus.Invalid || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (!buffer.IsEmpty)
                {
                    LogInvalid(logger, entryPoint, peer?.ToString() ?? "?", error ?? "the connection ended inside the PROXY header");
                }

                return;
            }

            // Part of a header: wait for more bytes.
            input.AdvanceTo(buffer.Start, buffer.End);
        }

        await next(connection).ConfigureAwait(false);
    }

    private static void Apply(ConnectionContext connection, ProxyHeader header, bool trusted, string entryPoint, IPEndPoint? peer, ILogger logger)
    {
        if (!trusted)
        {
            LogUntrusted(logger, entryPoint, peer?.Address.ToString() ?? "?");
            return;
        }

        if (header.Source is null || header.Destination is null)
        {
            // LOCAL, UNKNOWN or a non-IP family: the connection's own addresses stand, as the specification asks.
            return;
        }

        // Kestrel's HTTP layer and TCP routing both read the connection's end points; the HTTP connection feature, when the
        // transport exposes one, is kept in step.
        connection.RemoteEndPoint = header.Source;
        connection.LocalEndPoint = header.Destination;
        if (connection.Features.Get<IHttpConnectionFeature>() is { } http)
        {
            http.RemoteIpAddress = header.Source.Address;
            http.RemotePort = header.Source.Port;
            http.LocalIpAddress = header.Destination.Address;
            http.LocalPort = header.Destination.Port;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Entry point {EntryPoint}: closing the connection from {Peer}: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string entryPoint, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Entry point {EntryPoint}: IP {Peer} is not in the proxyProtocol trusted IPs; its PROXY header is ignored")]
    private static partial void LogUntrusted(ILogger logger, string entryPoint, string peer);
}

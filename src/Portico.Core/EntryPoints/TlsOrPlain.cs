using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.Configuration.Parsing;
using Portico.Runtime;

namespace Portico.EntryPoints;

/// <summary>
/// Serves TLS and cleartext HTTP on one port, as Traefik does: the first byte of each connection says which (0x16 opens
/// a TLS handshake record). TLS connections are terminated (<see cref="TlsTermination"/>) and then speak HTTP/1.1 or
/// HTTP/2 as ALPN chose; cleartext ones speak HTTP/1.1 or h2c with prior knowledge (<see cref="H2cPriorKnowledge"/>).
/// </summary>
/// <remarks>
/// Kestrel builds an endpoint's connection middlewares from the last added to the first, each receiving the delegate
/// built before it; its own HTTP middleware is added last of all. So the sniffer, added before <c>UseHttps</c>, receives
/// the TLS delegate as its <c>next</c>, and a pass-through added after <c>UseHttps</c> receives (and captures) the HTTP
/// delegate that skips TLS. Which of the two a request came through is known from <c>ITlsHandshakeFeature</c>, which only
/// the TLS middleware sets (see <see cref="EntryPointDispatcher"/>).
/// </remarks>
internal static class TlsOrPlain
{
    /// <param name="tls">The entry point's <c>http.tls</c>, or null (its <c>options</c> name the default TLS options).</param>
    /// <param name="readTimeout">
    /// How long a new connection may stay silent, and how long a TLS handshake may take (the entry point's read timeout).
    /// </param>
    public static ListenOptions UseTlsOrPlain(this ListenOptions listen, RuntimeHolder runtime, ConfigNode? tls, TimeSpan readTimeout, string entryPoint = "")
    {
        var timeout = readTimeout > TimeSpan.Zero ? readTimeout : H2cPriorKnowledge.DefaultTimeout;
        var plain = new PlainHttp();
        listen.Use(next => connection => SniffAsync(connection, next, plain, timeout));
        listen.UseTlsTermination(runtime, tls, readTimeout, entryPoint);
        listen.Use(next => plain.Http = next);
        return listen;
    }

    private static async Task SniffAsync(ConnectionContext connection, ConnectionDelegate tls, PlainHttp plain, TimeSpan timeout)
    {
        var kind = await FirstBytes.ClassifyAsync(connection.Transport.Input, sniffTls: true, connection.ConnectionClosed, timeout).ConfigureAwait(false);
        if (kind == FirstBytesKind.Tls)
        {
            await tls(connection).ConfigureAwait(false);
            return;
        }

        await H2cPriorKnowledge.ServePlainAsync(connection, kind, plain.Http!).ConfigureAwait(false);
    }

    /// <summary>The HTTP delegate without TLS, captured when Kestrel builds the endpoint's connection pipeline.</summary>
    private sealed class PlainHttp
    {
        public ConnectionDelegate? Http { get; set; }
    }
}

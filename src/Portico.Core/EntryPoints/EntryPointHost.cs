using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.Configuration.Static;
using Portico.Runtime;
using Portico.Tcp.ProxyProtocol;

namespace Portico.EntryPoints;

/// <summary>
/// One HTTP entry point: a Kestrel server of its own, so the entry point's limits and timeouts
/// (<c>transport.respondingTimeouts</c>, <c>http.maxHeaderBytes</c>, <c>http2.*</c>) apply to it alone. TLS (HTTP/1.1 and
/// HTTP/2 by ALPN) and cleartext HTTP/1.1 and h2c share the port (<see cref="TlsOrPlain"/>).
/// </summary>
internal sealed class EntryPointHost : IAsyncDisposable
{
    private readonly string _name;
    private readonly EntryPointConfig _config;
    private readonly ServiceProvider _services;
    private readonly IServer _server;
    private readonly IHttpApplication<HttpContext> _application;
    private ListenOptions? _listenOptions;

    public EntryPointHost(string name, EntryPointConfig config, IPEndPoint bind, IHttpApplication<HttpContext> application, RuntimeHolder runtime, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        _name = name;
        _config = config;
        _application = application;

        // Kestrel is assembled without a web host (see KestrelServices); Portico runs its own lean IHttpApplication on it
        // instead of a middleware pipeline.
        var tcp = new TcpConnectionHandler(name, runtime, config.Transport.RespondingTimeouts.ReadTimeout, time ?? TimeProvider.System, loggerFactory.CreateLogger("Portico.Tcp"));
        var proxyProtocol = config.ProxyProtocol is { } received ? ProxyProtocolPolicy.Create(received.Insecure, received.TrustedIPs, out _) : null;
        var proxyLogger = loggerFactory.CreateLogger("Portico.ProxyProtocol");
        _services = KestrelServices.Build(new KestrelLoggerFactory(loggerFactory), options => Configure(options, name, config, bind, runtime, tcp, listen =>
        {
            if (proxyProtocol is not null)
            {
                // PROXY protocol comes before everything else: it says who the client is.
                listen.UseProxyProtocol(proxyProtocol, config.Transport.RespondingTimeouts.ReadTimeout, name, proxyLogger);
            }
        }, listen => _listenOptions = listen));
        _server = KestrelServices.Server(_services);
    }

    public string Name => _name;

    /// <summary>The bound address (the real port when the configuration asked for port 0); valid after <see cref="StartAsync"/>.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listenOptions!.EndPoint;

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(_application, cancellationToken);

    /// <summary>Stops accepting, then lets in-flight requests finish until <paramref name="cancellationToken"/> fires.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _server.Dispose();
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    private static void Configure(KestrelServerOptions options, string name, EntryPointConfig config, IPEndPoint bind, RuntimeHolder runtime, TcpConnectionHandler tcp, Action<ListenOptions> first, Action<ListenOptions> bound)
    {
        options.AddServerHeader = false;
        options.AllowSynchronousIO = false;

        // h2c connections are marked as ALPN "h2" (see H2cPriorKnowledge); keep their ":scheme http".
        options.AllowAlternateSchemes = true;

        var timeouts = config.Transport.RespondingTimeouts;
        var limits = options.Limits;
        limits.MaxRequestBodySize = null;
        limits.MaxRequestHeadersTotalSize = config.Http.MaxHeaderBytes > 0 ? config.Http.MaxHeaderBytes : int.MaxValue;
        limits.MaxRequestLineSize = Math.Max(8192, Math.Min(limits.MaxRequestHeadersTotalSize, 64 * 1024));
        limits.MaxRequestHeaderCount = 1000;
        limits.KeepAliveTimeout = timeouts.IdleTimeout > TimeSpan.Zero ? timeouts.IdleTimeout : TimeSpan.FromDays(1);
        limits.RequestHeadersTimeout = timeouts.ReadTimeout > TimeSpan.Zero ? timeouts.ReadTimeout : TimeSpan.FromDays(1);
        limits.MaxConcurrentConnections = null;
        limits.MaxConcurrentUpgradedConnections = null;
        limits.Http2.MaxStreamsPerConnection = config.Http2.MaxConcurrentStreams;
        limits.Http2.HeaderTableSize = config.Http2.MaxDecoderHeaderTableSize;
        limits.Http2.MaxRequestHeaderFieldSize = Math.Max(limits.Http2.MaxRequestHeaderFieldSize, Math.Min(limits.MaxRequestHeadersTotalSize, 1 << 20));
        // writeTimeout is enforced per request by the dispatcher (ResponseDeadline): Kestrel's minimum response data rate
        // cannot express it.
        options.Listen(bind, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            first(listen);

            // TCP routers see each connection first; what they do not take goes on to HTTP with every byte unread.
            listen.UseTcpRouting(tcp);

            // As Traefik, every entry point serves TLS and cleartext HTTP on its port; routers decide which they answer.
            listen.UseTlsOrPlain(runtime, config.Http.Tls, timeouts.ReadTimeout, name);
            bound(listen);
        });
    }
}

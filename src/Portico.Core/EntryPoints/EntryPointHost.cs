using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portico.Configuration.Static;

namespace Portico.EntryPoints;

/// <summary>
/// One HTTP entry point: its socket (<see cref="EntryPointListener"/>) and a Kestrel server of its own, so the
/// entry point's limits and timeouts (<c>transport.respondingTimeouts</c>, <c>http.maxHeaderBytes</c>, <c>http2.*</c>)
/// apply to it alone.
/// </summary>
internal sealed class EntryPointHost : IAsyncDisposable
{
    private readonly string _name;
    private readonly EntryPointConfig _config;
    private readonly KestrelServer _server;
    private readonly EntryPointListener _listener;
    private readonly IHttpApplication<HttpContext> _application;

    public EntryPointHost(string name, EntryPointConfig config, IPEndPoint bind, IHttpApplication<HttpContext> application, ILoggerFactory loggerFactory)
    {
        _name = name;
        _config = config;
        _application = application;
        var transport = new ProtocolListenerFactory();
        var options = CreateKestrelOptions(name, config, loggerFactory);
        _server = new KestrelServer(Options.Create(options), transport, loggerFactory);
        _listener = new EntryPointListener(name, bind, transport, config.Transport.RespondingTimeouts.ReadTimeout, loggerFactory);
    }

    public string Name => _name;

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _server.StartAsync(_application, cancellationToken).ConfigureAwait(false);
        _listener.Start();
    }

    /// <summary>Stops accepting, then lets in-flight requests finish until <paramref name="cancellationToken"/> fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _listener.StopAcceptingAsync().ConfigureAwait(false);
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        _server.Dispose();
    }

    private static KestrelServerOptions CreateKestrelOptions(string name, EntryPointConfig config, ILoggerFactory loggerFactory)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddLogging();
        var options = new KestrelServerOptions
        {
            AddServerHeader = false,
            AllowSynchronousIO = false,
            ApplicationServices = services.BuildServiceProvider(),
        };

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
        if (timeouts.WriteTimeout > TimeSpan.Zero)
        {
            // Go's WriteTimeout bounds how long a response may take to write; Kestrel's nearest guard is a minimum rate.
            limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 1, gracePeriod: timeouts.WriteTimeout);
        }

        options.Listen(new ProtocolEndPoint(name, ConnectionProtocol.Http1), listen => listen.Protocols = HttpProtocols.Http1);
        options.Listen(new ProtocolEndPoint(name, ConnectionProtocol.H2c), listen => listen.Protocols = HttpProtocols.Http2);
        return options;
    }
}

using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portico.EntryPoints;

namespace Portico.Cli.Whoami;

/// <summary>
/// The built-in whoami backend (after Traefik's <c>traefik/whoami</c>): a Kestrel server that tells what it
/// received. Used by <c>portico whoami</c>, by the built-in default configuration and by tests and benchmarks.
/// It speaks HTTP/1.1 and, on the same plain port, HTTP/2 with prior knowledge (h2c).
/// </summary>
internal sealed class WhoamiServer : IAsyncDisposable
{
    /// <summary>How long stopping waits for requests in flight (a long <c>?wait=</c>, an open WebSocket).</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    private readonly ServiceProvider _services;
    private readonly IServer _server;
    private readonly WhoamiEndpoints _endpoints;

    private WhoamiServer(ServiceProvider services, IServer server, WhoamiEndpoints endpoints, int port, string url)
    {
        _services = services;
        _server = server;
        _endpoints = endpoints;
        Port = port;
        Url = url;
    }

    /// <summary>The bound port (the real one when started with port 0).</summary>
    public int Port { get; }

    /// <summary>A base URL a local client can use, e.g. <c>http://127.0.0.1:8000</c> (no trailing slash).</summary>
    public string Url { get; }

    /// <summary>The status code <c>GET /health</c> currently answers with.</summary>
    public int HealthStatus => _endpoints.HealthStatus;

    public static async Task<WhoamiServer> StartAsync(IPAddress address, int port, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);

        // A bare Kestrel (no web host, as Portico's entry points): the built-in default runs this backend in the router's
        // process, where a host's DI, configuration sources and file watcher would all be idle memory.
        ListenOptions? bound = null;
        var services = KestrelServices.Build(NullLoggerFactory.Instance, kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.AllowAlternateSchemes = true;
            kestrel.Listen(address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseH2cPriorKnowledge();
                bound = listen;
            });
        });
        var server = KestrelServices.Server(services);
        var endpoints = new WhoamiEndpoints(WhoamiIdentity.Detect(name), TimeProvider.System);
        var webSockets = new WebSocketMiddleware(endpoints.HandleAsync, Options.Create(new WebSocketOptions()), NullLoggerFactory.Instance);
        try
        {
            await server.StartAsync(new Application(webSockets.Invoke), cancellationToken);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }

        var boundPort = ((IPEndPoint)bound!.EndPoint).Port;
        var host = address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : address;
        return new WhoamiServer(services, server, endpoints, boundPort, $"http://{new IPEndPoint(host, boundPort)}");
    }

    /// <summary>
    /// Runs the backend for the CLI: starts it, prints where it listens, and serves until
    /// <paramref name="cancellationToken"/> fires or the process is asked to stop (Ctrl+C, SIGTERM).
    /// </summary>
    public static async Task RunAsync(IPAddress address, int port, string? name, TextWriter? output, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(address, port, name, cancellationToken);
        output?.WriteLine($"whoami listening on {server.Url} (HTTP/1.1 and h2c)");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Either way of being asked to stop ends up here; stopping follows in DisposeAsync.
        }

        void Stop(PosixSignalContext context)
        {
            // Stop gracefully instead of letting the runtime end the process.
            context.Cancel = true;
            stop.Cancel();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => _server.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(ShutdownTimeout))
        {
            await _server.StopAsync(timeout.Token);
        }

        _server.Dispose();
        await _services.DisposeAsync();
    }

    /// <summary>Runs the request pipeline on Kestrel, reusing one context per connection as ASP.NET's hosting layer does.</summary>
    private sealed class Application(RequestDelegate pipeline) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => PooledHttpContext.Create(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => pipeline(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
            if (context is DefaultHttpContext defaultContext)
            {
                defaultContext.Uninitialize();
            }
        }
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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

    private readonly WebApplication _app;
    private readonly WhoamiEndpoints _endpoints;

    private WhoamiServer(WebApplication app, WhoamiEndpoints endpoints, int port, string url)
    {
        _app = app;
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

        // The appsettings.json watcher that the default builder installs is useless here and costs an inotify watch.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.AllowAlternateSchemes = true;
            kestrel.Listen(address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseH2cPriorKnowledge();
            });
        });

        var app = builder.Build();
        var endpoints = new WhoamiEndpoints(WhoamiIdentity.Detect(name), TimeProvider.System);
        app.UseWebSockets();
        app.Run(endpoints.HandleAsync);
        await app.StartAsync(cancellationToken);

        var boundPort = BoundPort(app, port);
        var host = address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : address;
        return new WhoamiServer(app, endpoints, boundPort, $"http://{new IPEndPoint(host, boundPort)}");
    }

    /// <summary>
    /// Runs the backend for the CLI: starts it, prints where it listens, and serves until
    /// <paramref name="cancellationToken"/> fires or the process is asked to stop (Ctrl+C, SIGTERM).
    /// </summary>
    public static async Task RunAsync(IPAddress address, int port, string? name, TextWriter? output, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(address, port, name, cancellationToken);
        output?.WriteLine($"whoami listening on {server.Url} (HTTP/1.1 and h2c)");

        var stopping = server._app.Lifetime.ApplicationStopping;
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, both.Token);
        }
        catch (OperationCanceledException)
        {
            // Either way of being asked to stop ends up here; stopping follows in DisposeAsync.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int BoundPort(WebApplication app, int requested)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is not null)
        {
            foreach (var bound in addresses)
            {
                return new Uri(bound).Port;
            }
        }

        return requested;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>
/// A real Kestrel HTTPS backend on 127.0.0.1 that records the SNI name of every handshake and the connections that
/// carried requests. By default it answers "&lt;protocol&gt; &lt;Host header&gt; &lt;scheme&gt;".
/// </summary>
internal sealed class SniBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SniBackend(WebApplication app, ConcurrentQueue<string> serverNames, ConcurrentDictionary<string, int> connections)
    {
        _app = app;
        ServerNames = serverNames;
        Connections = connections;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public int Port { get; }

    /// <summary>The SNI name of each handshake, in order; empty when the client sent none.</summary>
    public ConcurrentQueue<string> ServerNames { get; }

    /// <summary>Requests per connection id.</summary>
    public ConcurrentDictionary<string, int> Connections { get; }

    public static async Task<SniBackend> StartAsync(X509Certificate2 certificate, HttpProtocols protocols = HttpProtocols.Http1AndHttp2, RequestDelegate? handler = null)
    {
        var serverNames = new ConcurrentQueue<string>();
        var connections = new ConcurrentDictionary<string, int>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = protocols;
            listen.UseHttps(https => https.ServerCertificateSelector = (_, name) =>
            {
                serverNames.Enqueue(name ?? string.Empty);
                return certificate;
            });
        }));
        var app = builder.Build();
        handler ??= context => context.Response.WriteAsync($"{context.Request.Protocol} {context.Request.Host} {context.Request.Scheme}");
        app.Run(context =>
        {
            connections.AddOrUpdate(context.Connection.Id, 1, static (_, count) => count + 1);
            return handler(context);
        });
        await app.StartAsync().WaitAsync(PorticoHost.Timeout);
        return new SniBackend(app, serverNames, connections);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(PorticoHost.Timeout);
        await _app.DisposeAsync();
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portico.Testing;

/// <summary>A real Kestrel backend on 127.0.0.1 with a random port, answering with the given handler.</summary>
internal sealed class Backend : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;

    private Backend(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public int Port => Url.Port;

    public int Requests => _requests;

    private int _requests;

    public static async Task<Backend> StartAsync(RequestDelegate handler, HttpProtocols protocols = HttpProtocols.Http1AndHttp2, bool webSockets = false, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = protocols);
        });
        var app = builder.Build();
        if (webSockets)
        {
            app.UseWebSockets();
        }

        Backend? backend = null;
        app.Run(context =>
        {
            Interlocked.Increment(ref backend!._requests);
            return handler(context);
        });
        await app.StartAsync().WaitAsync(StartTimeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend = new Backend(app, new Uri(address));
        return backend;
    }

    /// <summary>A backend that answers its own name, for distribution tests.</summary>
    public static Task<Backend> NamedAsync(string name, int port = 0) =>
        StartAsync(context => context.Response.WriteAsync(name), port: port);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(StartTimeout);
        await _app.DisposeAsync();
    }
}

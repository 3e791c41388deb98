using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

/// <summary>A real Kestrel server on 127.0.0.1 with a random port.</summary>
internal sealed class KestrelHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;

    private KestrelHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public int Port => Url.Port;

    public static async Task<KestrelHost> StartAsync(RequestDelegate handler, HttpProtocols protocols = HttpProtocols.Http1AndHttp2, bool webSockets = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols);
        });
        var app = builder.Build();
        if (webSockets)
        {
            app.UseWebSockets();
        }

        app.Run(handler);
        await app.StartAsync().WaitAsync(Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(Timeout);
        await _app.DisposeAsync();
    }
}

/// <summary>A Kestrel front whose only middleware applies the forwarded-headers policy and calls the forwarder.</summary>
internal sealed class ProxyHost : IAsyncDisposable
{
    private readonly KestrelHost _host;
    private readonly HttpMessageInvoker _client;

    private ProxyHost(KestrelHost host, HttpMessageInvoker client, Channel<ProxyError> errors)
    {
        _host = host;
        _client = client;
        Errors = errors;
    }

    public Uri Url => _host.Url;

    /// <summary>The result of every forwarded request, in completion order.</summary>
    public Channel<ProxyError> Errors { get; }

    public static async Task<ProxyHost> StartAsync(
        Uri destination,
        ForwarderOptions? options = null,
        ForwardedHeaders? forwardedHeaders = null,
        HttpProtocols protocols = HttpProtocols.Http1,
        TimeProvider? timeProvider = null,
        Action<HttpContext>? prepare = null)
    {
        var forwarder = new HttpForwarder(timeProvider);
        var client = ForwarderClientFactory.Create(new Portico.Configuration.Dynamic.ServersTransportItemConfig());
        var errors = Channel.CreateUnbounded<ProxyError>();
        var host = await KestrelHost.StartAsync(async context =>
        {
            prepare?.Invoke(context);
            forwardedHeaders?.Apply(context);
            var error = await forwarder.SendAsync(context, destination, client, options ?? ForwarderOptions.Default);
            if (error != ProxyError.None && !context.Response.HasStarted)
            {
                context.Response.StatusCode = error.StatusCode();
                context.Response.Headers["X-Proxy-Error"] = ProxyErrorInfo.Get(context)?.Exception?.ToString().ReplaceLineEndings(" ");
            }

            errors.Writer.TryWrite(error);
        }, protocols);
        return new ProxyHost(host, client, errors);
    }

    public Task<ProxyError> NextErrorAsync() => Errors.Reader.ReadAsync().AsTask().WaitAsync(KestrelHost.Timeout);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _client.Dispose();
    }
}

/// <summary>A TCP server that answers each connection with fixed bytes, for responses Kestrel would never send.</summary>
internal sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _loop;

    public RawBackend(byte[] response)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _loop = AcceptLoopAsync(response);
    }

    public Uri Url { get; }

    private async Task AcceptLoopAsync(byte[] response)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception)
            {
                return;
            }

            using (socket)
            {
                // Read the request head before answering so the client is not reset while still sending.
                var buffer = new byte[8192];
                var received = 0;
                while (received < buffer.Length)
                {
                    var count = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None);
                    if (count == 0)
                    {
                        break;
                    }

                    received += count;
                    if (buffer.AsSpan(0, received).IndexOf("\r\n\r\n"u8) >= 0)
                    {
                        break;
                    }
                }

                await socket.SendAsync(response, SocketFlags.None);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop.WaitAsync(KestrelHost.Timeout);
    }
}

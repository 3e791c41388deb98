using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>
/// A real Kestrel HTTPS backend on 127.0.0.1 answering "&lt;protocol&gt; &lt;client certificate subject or -&gt;", so tests see
/// how Portico reached it.
/// </summary>
internal sealed class TlsBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"https://127.0.0.1:{Port}";

    public static async Task<TlsBackend> StartAsync(
        X509Certificate2 certificate,
        ClientCertificateMode clientCertificates = ClientCertificateMode.NoCertificate,
        SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate, https =>
        {
            https.ClientCertificateMode = clientCertificates;
            https.SslProtocols = protocols;

            // The test CA is not a system root: client certificates are checked by the tests, not by the platform.
            https.ClientCertificateValidation = static (_, _, _) => true;
        })));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync($"{context.Request.Protocol} {context.Connection.ClientCertificate?.Subject ?? "-"}"));
        await app.StartAsync().WaitAsync(PorticoHost.Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TlsBackend(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(PorticoHost.Timeout);
        await _app.DisposeAsync();
    }
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.PassTlsClientCert;

/// <summary>
/// <c>passTLSClientCert</c> through a real listener. There are no TLS entry points yet, so the request has no client
/// certificate: the headers a client sends itself must never reach the backend.
/// </summary>
public sealed class PassTlsClientCertProxyTests
{
    [Fact]
    public async Task SpoofedCertificateHeadersAreRemovedAsync()
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(
            $"cert={context.Request.Headers["X-Forwarded-Tls-Client-Cert"]};info={context.Request.Headers["X-Forwarded-Tls-Client-Cert-Info"]}"));
        await using var portico = await PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n", $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: backend
                  middlewares: [certs]
              middlewares:
                certs:
                  passTLSClientCert:
                    pem: true
                    info:
                      notAfter: true
                      subject:
                        commonName: true
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), "/"));
        request.Headers.Add("X-Forwarded-Tls-Client-Cert", "MIIBforged");
        request.Headers.Add("X-Forwarded-Tls-Client-Cert-Info", "Subject%3D%22CN%3Dadmin%22");
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cert=;info=", await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
    }
}

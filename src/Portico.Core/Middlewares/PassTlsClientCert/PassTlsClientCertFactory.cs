using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.PassTlsClientCert;

/// <summary>
/// Builds <c>passTLSClientCert</c>. The two headers are always removed from the incoming request first, so a client
/// without a certificate (or on a plain HTTP entry point) can never make the backend believe it presented one.
/// </summary>
internal sealed class PassTlsClientCertFactory : IMiddlewareFactory
{
    public const string CertHeader = "X-Forwarded-Tls-Client-Cert";
    public const string InfoHeader = "X-Forwarded-Tls-Client-Cert-Info";

    public string TypeName => "passTLSClientCert";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<PassTlsClientCertOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var pem = options.Pem;
        var info = options.Info;
        return next => httpContext =>
        {
            var headers = httpContext.Request.Headers;
            headers.Remove(CertHeader);
            headers.Remove(InfoHeader);
            if (httpContext.Connection.ClientCertificate is { } certificate)
            {
                if (pem)
                {
                    headers[CertHeader] = CertificateHeaders.Pem(certificate);
                }

                if (info is not null)
                {
                    headers[InfoHeader] = CertificateHeaders.Info(certificate, info);
                }
            }

            return next(httpContext);
        };
    }
}

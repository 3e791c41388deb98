using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Portico.EntryPoints;

/// <summary>
/// Lets a cleartext Kestrel endpoint serve HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on the same port.
/// </summary>
/// <remarks>
/// Kestrel (through .NET 10) always picks HTTP/1.1 on a cleartext <c>Http1AndHttp2</c> endpoint, because it only
/// chooses HTTP/2 from the TLS ALPN result, and answers an h2c client with <c>HTTP_1_1_REQUIRED</c>
/// (dotnet/aspnetcore#56984). This connection middleware peeks at the first bytes without consuming them; when
/// they are the HTTP/2 connection preface it marks the connection as if ALPN had chosen <c>h2</c>. Kestrel then
/// believes the connection is TLS, so it expects <c>:scheme https</c>; the endpoint's server must therefore set
/// <see cref="KestrelServerOptions.AllowAlternateSchemes"/> so that an h2c request's <c>:scheme http</c> is kept.
/// </remarks>
internal static class H2cPriorKnowledge
{
    /// <summary>How long a client may stay silent after connecting when the endpoint sets no read timeout.</summary>
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Adds the detection to an endpoint whose protocols are <see cref="HttpProtocols.Http1AndHttp2"/>.</summary>
    /// <param name="firstBytesTimeout">
    /// A client that connects and sends nothing within this time is closed (the entry point's read timeout), so idle
    /// connections cannot pile up before any protocol timeout applies.
    /// </param>
    public static ListenOptions UseH2cPriorKnowledge(this ListenOptions listen, TimeSpan? firstBytesTimeout = null)
    {
        var timeout = firstBytesTimeout is { } t && t > TimeSpan.Zero ? t : DefaultTimeout;
        listen.Use(next => connection => DetectAsync(connection, next, timeout));
        return listen;
    }

    private static async Task DetectAsync(ConnectionContext connection, ConnectionDelegate next, TimeSpan timeout)
    {
        var kind = await FirstBytes.ClassifyAsync(connection.Transport.Input, sniffTls: false, connection.ConnectionClosed, timeout);
        await ServePlainAsync(connection, kind, next);
    }

    /// <summary>Hands a cleartext connection to Kestrel's HTTP layer, marked as HTTP/2 when it began with the preface.</summary>
    internal static Task ServePlainAsync(ConnectionContext connection, FirstBytesKind kind, ConnectionDelegate http)
    {
        if (kind == FirstBytesKind.Closed)
        {
            // Silent or gone before saying anything: close without involving HTTP.
            connection.Abort();
            return Task.CompletedTask;
        }

        if (kind == FirstBytesKind.H2cPreface)
        {
            connection.Features.Set<ITlsConnectionFeature>(new NoTlsConnectionFeature());
            connection.Features.Set<ITlsApplicationProtocolFeature>(H2ProtocolFeature.Instance);
        }

        return http(connection);
    }

    /// <summary>Says "TLS" to Kestrel's protocol selection while holding no certificate: there is no TLS.</summary>
    private sealed class NoTlsConnectionFeature : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult<X509Certificate2?>(null);
    }

    private sealed class H2ProtocolFeature : ITlsApplicationProtocolFeature
    {
        public static readonly H2ProtocolFeature Instance = new();

        public ReadOnlyMemory<byte> ApplicationProtocol { get; } = "h2"u8.ToArray();
    }
}

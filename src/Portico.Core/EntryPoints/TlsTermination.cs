using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Portico.Configuration.Parsing;
using Portico.Runtime;
using Portico.Tls;

namespace Portico.EntryPoints;

/// <summary>
/// TLS on an entry point (see <see cref="TlsOrPlain"/>): each handshake picks its certificate by SNI from the snapshot that is
/// current at that moment, so a reload serves new certificates at once while open connections keep theirs.
/// </summary>
internal static class TlsTermination
{
    public static ListenOptions UseTlsTermination(this ListenOptions listen, RuntimeHolder runtime, ConfigNode? tls, TimeSpan handshakeTimeout)
    {
        // The entry point's http.tls.options names the TLS options its connections use (Traefik's "default" otherwise).
        var optionsName = tls?.Get("options")?.Value is { Length: > 0 } name ? name.Split('@')[0] : TlsRuntime.DefaultOptions;
        return listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = handshakeTimeout > TimeSpan.Zero ? handshakeTimeout : TimeSpan.FromSeconds(10),
            OnConnection = context =>
            {
                var options = runtime.Current.Tls.Select(context.ClientHelloInfo.ServerName, optionsName);
                return options is not null
                    ? ValueTask.FromResult(options)
                    : ValueTask.FromException<System.Net.Security.SslServerAuthenticationOptions>(new AuthenticationException("no certificate matches the requested server name (sniStrict)"));
            },
        });
    }
}

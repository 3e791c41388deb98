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
internal static partial class TlsTermination
{
    public static ListenOptions UseTlsTermination(this ListenOptions listen, RuntimeHolder runtime, ConfigNode? tls, TimeSpan handshakeTimeout, string entryPoint = "")
    {
        // The entry point's http.tls.options names the TLS options its connections use (Traefik's "default" otherwise).
        var optionsName = tls?.Get("options")?.Value is { Length: > 0 } name ? name.Split('@')[0] : TlsRuntime.DefaultOptions;
        var timeout = handshakeTimeout > TimeSpan.Zero ? handshakeTimeout : TimeSpan.FromSeconds(10);
        listen.UseAcmeTlsAlpnDetection(runtime.TlsHooks.AcmeTlsChallenges, timeout);
        return listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = timeout,
            OnConnection = context => SelectAsync(context, runtime, optionsName, entryPoint),
        });
    }
}

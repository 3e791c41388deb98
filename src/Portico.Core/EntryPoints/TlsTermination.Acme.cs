using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Portico.Runtime;

namespace Portico.EntryPoints;

internal static partial class TlsTermination
{
    /// <summary>
    /// The settings for one handshake:
    /// 1. a TLS-ALPN-01 validation (ALPN acme-tls/1 for a name with a pending challenge) gets the challenge certificate;
    /// 2. a name no certificate covers goes to on-demand TLS when a resolver enables it (the handshake waits);
    /// 3. otherwise, and when on-demand TLS refuses, the snapshot's choice: SNI match, default certificate or sniStrict refusal.
    /// </summary>
    private static ValueTask<SslServerAuthenticationOptions> SelectAsync(TlsHandshakeCallbackContext context, RuntimeHolder runtime, string optionsName, string entryPoint)
    {
        var serverName = context.ClientHelloInfo.ServerName;
        var hooks = runtime.TlsHooks;
        if (context.Connection.Items.ContainsKey(AcmeTlsAlpnDetection.OffersAcmeTls) && hooks.AcmeTlsChallenges.TryGet(serverName, out var challenge))
        {
            return ValueTask.FromResult(challenge);
        }

        if (hooks.OnDemand is { } onDemand && !string.IsNullOrEmpty(serverName) && !runtime.Current.Tls.HasCertificate(serverName))
        {
            return SelectOnDemandAsync(onDemand, context, runtime, serverName, optionsName, entryPoint);
        }

        return FromSnapshot(runtime, serverName, optionsName);
    }

    private static async ValueTask<SslServerAuthenticationOptions> SelectOnDemandAsync(Tls.IOnDemandCertificates onDemand, TlsHandshakeCallbackContext context, RuntimeHolder runtime, string serverName, string optionsName, string entryPoint)
    {
        var certificate = await onDemand.GetAsync(serverName, entryPoint, context.CancellationToken).ConfigureAwait(false);
        if (certificate is not null && runtime.Current.Tls.SelectWith(certificate, serverName, optionsName) is { } options)
        {
            return options;
        }

        return await FromSnapshot(runtime, serverName, optionsName).ConfigureAwait(false);
    }

    private static ValueTask<SslServerAuthenticationOptions> FromSnapshot(RuntimeHolder runtime, string? serverName, string optionsName)
    {
        var options = runtime.Current.Tls.Select(serverName, optionsName);
        return options is not null
            ? ValueTask.FromResult(options)
            : ValueTask.FromException<SslServerAuthenticationOptions>(new AuthenticationException("no certificate matches the requested server name (sniStrict)"));
    }
}

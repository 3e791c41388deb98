using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.Tcp;
using Portico.Tls.Acme;

namespace Portico.EntryPoints;

/// <summary>
/// Marks connections whose ClientHello offers ALPN <c>acme-tls/1</c> (a TLS-ALPN-01 validation, RFC 8737), so the
/// handshake callback can answer them with the challenge certificate. .NET's <c>SslClientHelloInfo</c> carries only the
/// server name, so the ClientHello is peeked here without consuming it. The peek happens only while a challenge is
/// pending; otherwise a connection goes straight to the handshake.
/// </summary>
internal static class AcmeTlsAlpnDetection
{
    /// <summary>The key set in <c>ConnectionContext.Items</c> when the client offered <c>acme-tls/1</c>.</summary>
    public static readonly object OffersAcmeTls = new();

    private const string AcmeTls = "acme-tls/1";

    public static void UseAcmeTlsAlpnDetection(this ListenOptions listen, InMemoryTlsAlpn01ChallengeStore challenges, TimeSpan timeout) =>
        listen.Use(next => async connection =>
        {
            if (!challenges.IsEmpty && await PeekAsync(connection, timeout).ConfigureAwait(false))
            {
                connection.Items[OffersAcmeTls] = OffersAcmeTls;
            }

            await next(connection).ConfigureAwait(false);
        });

    /// <summary>Reads until the ClientHello is complete, leaves every byte in the pipe, and looks for acme-tls/1.</summary>
    private static async Task<bool> PeekAsync(ConnectionContext connection, TimeSpan timeout)
    {
        var input = connection.Transport.Input;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        deadline.CancelAfter(timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            var buffer = result.Buffer;
            var found = TryFindAlpn(buffer, AcmeTls);
            if (found is not null || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                return found == true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Whether the ClientHello lists <paramref name="protocol"/> in its ALPN extension; null while it is incomplete.
    /// Anything that is not a well-formed ClientHello answers false.
    /// </summary>
    internal static bool? TryFindAlpn(ReadOnlySequence<byte> buffer, string protocol) =>
        ClientHelloParser.TryParse(buffer, out var hello, out _) switch
        {
            ClientHelloStatus.Incomplete => null,
            ClientHelloStatus.Complete => hello!.ApplicationProtocols.Contains(protocol, StringComparer.Ordinal),
            _ => false,
        };
}

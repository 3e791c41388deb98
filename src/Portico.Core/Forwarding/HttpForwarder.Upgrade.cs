using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Forwarding;

internal sealed partial class HttpForwarder
{
    private const int UpgradeBufferSize = 16 * 1024;

    /// <summary>
    /// The client's upgrade feature when the request asks to switch protocols and may be forwarded as such.
    /// <c>Upgrade: h2c</c> is never forwarded: it would open an HTTP/2 connection to the server that bypasses
    /// routing and middlewares for every later request on it (the "h2c smuggling" attack).
    /// </summary>
    private static IHttpUpgradeFeature? GetUpgradeFeature(HttpContext context)
    {
        var feature = context.Features.Get<IHttpUpgradeFeature>();
        if (feature is not { IsUpgradableRequest: true })
        {
            return null;
        }

        var upgrade = context.Request.Headers.Upgrade;
        return upgrade.Count == 0 || HeaderPolicy.ContainsToken(upgrade, "h2c") ? null : feature;
    }

    /// <summary>
    /// After a 101: (1) take the server's raw stream, (2) send 101 to the client and take its raw stream, (3) pump
    /// both directions until one ends, then (4) stop the other, since neither stream can be half-closed here.
    /// </summary>
    private static async ValueTask<ProxyError> UpgradeAsync(HttpContext context, IHttpUpgradeFeature upgrade, HttpResponseMessage response)
    {
        Stream server;
        try
        {
            server = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        }
        catch (Exception ex)
        {
            context.Response.Clear();
            return Fail(context, ProxyError.UpgradeFailed, ex);
        }

        await using (server)
        {
            Stream client;
            try
            {
                client = await upgrade.UpgradeAsync();
            }
            catch (Exception ex)
            {
                return Fail(context, ProxyError.UpgradeFailed, ex);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var toServer = PumpAsync(client, server, stop.Token);
            var toClient = PumpAsync(server, client, stop.Token);
            var first = await Task.WhenAny(toServer, toClient);
            await stop.CancelAsync();

            // Disposing the server stream closes the connection, which also ends a pump stuck in a read that
            // ignores cancellation.
            await server.DisposeAsync();
            var second = first == toServer ? toClient : toServer;
            var (firstError, firstException) = await first;
            await second;
            if (firstError is not null && !context.RequestAborted.IsCancellationRequested)
            {
                return Fail(context, ProxyError.UpgradeFailed, firstException);
            }

            return ProxyError.None;
        }
    }

    /// <returns>A null error when the source ended cleanly or the pump was stopped.</returns>
    private static async Task<(ProxyError? Error, Exception? Exception)> PumpAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(UpgradeBufferSize);
        try
        {
            while (true)
            {
                var count = await source.ReadAsync(buffer.AsMemory(), cancellationToken);
                if (count == 0)
                {
                    return (null, null);
                }

                await destination.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
                await destination.FlushAsync(cancellationToken);
            }
        }
        catch (Exception ex)
        {
            return cancellationToken.IsCancellationRequested ? (null, null) : (ProxyError.UpgradeFailed, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

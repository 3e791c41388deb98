using System.Net;
using Microsoft.AspNetCore.Http;

namespace Portico.Services.LoadBalancing;

/// <summary>
/// Traefik <c>hrw</c>: rendezvous hashing on the client IP. Each healthy server scores
/// <c>weight / -ln(h)</c> where <c>h</c> is FNV-1a 64 of (client IP + server URL) mapped to (0, 1); the highest wins,
/// so a client keeps its server while the set of healthy servers is unchanged.
/// </summary>
internal sealed class HighestRandomWeightStrategy(StrategyContext context) : ILoadBalancingStrategy
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public string Name => "hrw";

    public ServerState? Pick(HttpContext httpContext, ServerState[] servers)
    {
        Span<char> ipText = stackalloc char[64];
        var ipLength = 0;
        var address = httpContext.Connection.RemoteIpAddress;
        if (address is not null && address.TryFormat(ipText, out var written))
        {
            ipLength = written;
        }

        var prefixHash = Fnv(FnvOffset, ipText[..ipLength]);
        return PickFor(prefixHash, servers, context);
    }

    /// <summary>Scores every healthy server from the client-IP hash prefix; exposed for tests with arbitrary IPs.</summary>
    internal static ServerState? PickFor(ulong prefixHash, ServerState[] servers, StrategyContext context)
    {
        ServerState? best = null;
        var bestScore = double.NegativeInfinity;
        var now = context.Now();
        foreach (var server in servers)
        {
            if (!server.IsHealthy)
            {
                continue;
            }

            var hash = Fnv(prefixHash, server.UrlText.AsSpan());
            var unit = hash / 18446744073709551616.0;
            var score = unit <= 0 ? 0 : context.EffectiveWeight(server, now) / -Math.Log(unit);
            if (best is null || score > bestScore)
            {
                best = server;
                bestScore = score;
            }
        }

        return best;
    }

    internal static ulong HashClient(IPAddress? address) => Fnv(FnvOffset, (address?.ToString() ?? string.Empty).AsSpan());

    // Hashes the UTF-8 bytes of the text; addresses and URLs are ASCII in practice, and non-ASCII is encoded properly.
    private static ulong Fnv(ulong hash, ReadOnlySpan<char> text)
    {
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < length; i++)
            {
                hash ^= buffer[i];
                hash *= FnvPrime;
            }
        }

        return hash;
    }
}

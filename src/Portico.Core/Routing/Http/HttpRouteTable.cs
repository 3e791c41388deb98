using Portico.Routing.Rules;

namespace Portico.Routing.Http;

/// <summary>One router in a route table: its name, compiled rule, effective priority and what it leads to.</summary>
internal sealed record HttpRoute<T>(string Name, CompiledRule Rule, int Priority, T Payload);

/// <summary>
/// The routers of an entry point, indexed so that matching costs about the same with 100,000 routes as with 10.
/// Routes are ranked once (priority descending, then name ordinal ascending). Routes requiring exact hosts go to a
/// host dictionary, <c>*.x.y</c> wildcards to a suffix dictionary, the rest to a fallback bucket; each bucket
/// indexes its routes by required path prefix (<see cref="PathPrefixIndex"/>). A request looks up at most three
/// ordered candidate lists (its host, its wildcard suffix, the fallback) and walks them merged by rank, so the
/// first candidate whose rule matches is the global winner.
/// </summary>
internal sealed class HttpRouteTable<T>
{
    private readonly HttpRoute<T>[] _routes;
    private readonly Dictionary<string, PathPrefixIndex> _exact;
    private readonly Dictionary<string, PathPrefixIndex>.AlternateLookup<ReadOnlySpan<char>> _wildcards;
    private readonly PathPrefixIndex _fallback;

    public HttpRouteTable(IEnumerable<HttpRoute<T>> routes)
    {
        // 1. Rank: a total, deterministic order (input order only breaks exact duplicates).
        _routes = routes.Select((r, i) => (Route: r, Index: i))
            .OrderByDescending(x => x.Route.Priority)
            .ThenBy(x => x.Route.Name, StringComparer.Ordinal)
            .ThenBy(x => x.Index)
            .Select(x => x.Route)
            .ToArray();

        // 2. Distribute ranks to buckets, in ascending rank order.
        var exact = new Dictionary<string, List<(int, IReadOnlyList<string>?)>>(StringComparer.Ordinal);
        var wildcards = new Dictionary<string, List<(int, IReadOnlyList<string>?)>>(StringComparer.Ordinal);
        var fallback = new List<(int, IReadOnlyList<string>?)>();
        for (var rank = 0; rank < _routes.Length; rank++)
        {
            var hints = _routes[rank].Rule.Hints;
            var entry = (rank, hints.PathPrefixes);
            if (!hints.HasHostRequirement)
            {
                fallback.Add(entry);
                continue;
            }

            foreach (var host in hints.ExactHosts ?? [])
            {
                Bucket(exact, host).Add(entry);
            }

            foreach (var suffix in hints.WildcardSuffixes ?? [])
            {
                Bucket(wildcards, suffix).Add(entry);
            }
        }

        // 3. Index each bucket by path prefix.
        _exact = exact.ToDictionary(kv => kv.Key, kv => new PathPrefixIndex(kv.Value), StringComparer.Ordinal);
        _wildcards = wildcards.ToDictionary(kv => kv.Key, kv => new PathPrefixIndex(kv.Value), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _fallback = new PathPrefixIndex(fallback);
    }

    /// <summary>Routes in match order (best first).</summary>
    public IReadOnlyList<HttpRoute<T>> Routes => _routes;

    public HttpRoute<T>? Match(in RoutingRequest request) => Match(request, out _);

    /// <summary>
    /// Returns the best matching route, or null. <paramref name="candidatesTested"/> counts the rules evaluated,
    /// which tests use to check that the index keeps that number small.
    /// </summary>
    public HttpRoute<T>? Match(in RoutingRequest request, out int candidatesTested)
    {
        // 1. Candidate lists: exact host bucket, wildcard bucket of the host's parent domain, fallback.
        var host = request.Host;
        int[] exact = [], wildcard = [];
        if (host.Length > 0)
        {
            if (_exact.TryGetValue(host, out var index))
            {
                exact = index.Lookup(request.Path);
            }

            var dot = host.IndexOf('.');
            if (dot > 0 && _wildcards.TryGetValue(host.AsSpan(dot), out var wildcardIndex))
            {
                wildcard = wildcardIndex.Lookup(request.Path);
            }
        }

        var fallback = _fallback.Lookup(request.Path);

        // 2. Walk the three ascending rank lists merged (a rank present in several lists is tested once).
        int i = 0, j = 0, k = 0;
        candidatesTested = 0;
        while (true)
        {
            var a = i < exact.Length ? exact[i] : int.MaxValue;
            var b = j < wildcard.Length ? wildcard[j] : int.MaxValue;
            var c = k < fallback.Length ? fallback[k] : int.MaxValue;
            var rank = Math.Min(a, Math.Min(b, c));
            if (rank == int.MaxValue)
            {
                return null;
            }

            i += a == rank ? 1 : 0;
            j += b == rank ? 1 : 0;
            k += c == rank ? 1 : 0;
            candidatesTested++;
            var route = _routes[rank];
            if (route.Rule.Matches(request))
            {
                return route;
            }
        }
    }

    private static List<(int, IReadOnlyList<string>?)> Bucket(Dictionary<string, List<(int, IReadOnlyList<string>?)>> buckets, string key)
    {
        if (!buckets.TryGetValue(key, out var list))
        {
            list = [];
            buckets[key] = list;
        }

        return list;
    }
}

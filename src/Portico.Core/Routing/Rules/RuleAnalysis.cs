namespace Portico.Routing.Rules;

/// <summary>A router as <c>portico check</c> sees it. Empty <paramref name="EntryPoints"/> means every entry point.</summary>
internal sealed record AnalyzedRouter(string Name, string Rule, int Priority, IReadOnlyList<string> EntryPoints, RuleSyntax Syntax = RuleSyntax.V3);

internal enum RuleFindingKind
{
    /// <summary>A lower-priority router that can never be selected: a higher-priority router matches all its requests first.</summary>
    Shadowed,

    /// <summary>Two routers of equal priority that can match the same request; only the name order decides.</summary>
    Ambiguous,

    /// <summary>The rule does not compile.</summary>
    Invalid,
}

internal sealed record RuleFinding(RuleFindingKind Kind, string Router, string? OtherRouter, string Message)
{
    public override string ToString() => Message;
}

/// <summary>
/// Static analysis of router rules for <c>portico check</c>. Decisions are conservative: a finding is only
/// reported when it is proven on the disjunctive normal form of the rules' simple conditions (hosts, wildcard
/// hosts, paths, prefixes, methods, headers, queries, client IPs). Regexes and negations are opaque: they never
/// help prove a finding except by being identical on both sides.
/// </summary>
internal static class RuleAnalysis
{
    public static IReadOnlyList<RuleFinding> Analyze(IReadOnlyList<AnalyzedRouter> routers)
    {
        var findings = new List<RuleFinding>();
        var compiled = new List<(AnalyzedRouter Router, int Priority, List<RuleAtom[]>? Dnf, IReadOnlyList<string>? Hosts)>();
        foreach (var router in routers)
        {
            if (!RuleCompiler.TryCompile(router.Rule, router.Syntax, out var rule, out var error))
            {
                findings.Add(new RuleFinding(RuleFindingKind.Invalid, router.Name, null, $"router \"{router.Name}\": {error}"));
                continue;
            }

            // A rule that requires one of a set of exact hosts can only meet rules that accept one of those hosts.
            var hosts = rule.Hints.WildcardSuffixes is null or { Count: 0 } && rule.Hints.ExactHosts is { Count: > 0 } ? rule.Hints.ExactHosts : null;
            compiled.Add((router, RulePriority.Effective(router.Rule, router.Priority), RuleDnf.From(rule.SyntaxTree, router.Syntax), hosts));
        }

        compiled.Sort((a, b) => b.Priority != a.Priority ? b.Priority.CompareTo(a.Priority) : string.CompareOrdinal(a.Router.Name, b.Router.Name));

        // Index the routers by required host so that a check of 10,000 Host routers does not compare every pair.
        var byHost = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        var anyHost = new List<int>();
        for (var i = 0; i < compiled.Count; i++)
        {
            if (compiled[i].Hosts is not { } hosts)
            {
                anyHost.Add(i);
                continue;
            }

            foreach (var host in hosts)
            {
                if (!byHost.TryGetValue(host, out var list))
                {
                    byHost[host] = list = [];
                }

                list.Add(i);
            }
        }

        for (var i = 0; i < compiled.Count; i++)
        {
            var low = compiled[i];
            foreach (var j in Candidates(i, low.Hosts, compiled.Count, byHost, anyHost))
            {
                var high = compiled[j];
                if (i == j || low.Dnf is null || high.Dnf is null || !CommonEntryPoint(low.Router, high.Router, out var entryPoints))
                {
                    continue;
                }

                if (high.Priority > low.Priority && Covers(high.Dnf, low.Dnf))
                {
                    findings.Add(new RuleFinding(
                        RuleFindingKind.Shadowed,
                        low.Router.Name,
                        high.Router.Name,
                        $"router \"{low.Router.Name}\" (priority {low.Priority}) is shadowed by router \"{high.Router.Name}\" " +
                        $"(priority {high.Priority}) on entry point(s) {entryPoints}: every request it matches is matched by \"{high.Router.Name}\" first"));
                    break;
                }

                if (j > i && high.Priority == low.Priority && Intersect(low.Dnf, high.Dnf))
                {
                    findings.Add(new RuleFinding(
                        RuleFindingKind.Ambiguous,
                        low.Router.Name,
                        high.Router.Name,
                        $"routers \"{low.Router.Name}\" and \"{high.Router.Name}\" have the same priority {low.Priority} and can match the same " +
                        $"request on entry point(s) {entryPoints}; \"{low.Router.Name}\" wins only by name order, set explicit priorities"));
                }
            }
        }

        return findings;
    }

    /// <summary>
    /// The routers that may overlap router <paramref name="index"/>, in priority order: all of them when it accepts any
    /// host, else those requiring one of its hosts and those accepting any host.
    /// </summary>
    private static IEnumerable<int> Candidates(int index, IReadOnlyList<string>? hosts, int count, Dictionary<string, List<int>> byHost, List<int> anyHost)
    {
        if (hosts is null)
        {
            return Enumerable.Range(0, count);
        }

        var candidates = new SortedSet<int>(anyHost);
        foreach (var host in hosts)
        {
            if (byHost.TryGetValue(host, out var list))
            {
                candidates.UnionWith(list);
            }
        }

        candidates.Remove(index);
        return candidates;
    }

    /// <summary>True when every term of <paramref name="inner"/> implies some term of <paramref name="outer"/>.</summary>
    internal static bool Covers(List<RuleAtom[]> outer, List<RuleAtom[]> inner) =>
        inner.All(term => outer.Any(o => Implies(term, o)));

    /// <summary>True when some pair of terms is provably satisfiable together.</summary>
    internal static bool Intersect(List<RuleAtom[]> a, List<RuleAtom[]> b) =>
        a.Any(x => b.Any(y => Satisfiable([.. x, .. y])));

    private static bool Implies(RuleAtom[] term, RuleAtom[] target) =>
        target.All(t => term.Any(a => a.Implies(t)));

    private static bool Satisfiable(RuleAtom[] atoms)
    {
        if (atoms.Any(a => a.Kind == AtomKind.Opaque))
        {
            return false;
        }

        string? host = null, wildcard = null, path = null, method = null;
        var prefixes = new List<string>();
        var networks = new List<IpNetwork>();
        foreach (var atom in atoms)
        {
            switch (atom.Kind)
            {
                case AtomKind.Host when !Same(ref host, atom.Value):
                case AtomKind.HostWildcard when !Same(ref wildcard, atom.Value):
                case AtomKind.Path when !Same(ref path, atom.Value):
                case AtomKind.Method when !Same(ref method, atom.Value):
                    return false;
                case AtomKind.PathPrefix:
                    prefixes.Add(atom.Value);
                    break;
                case AtomKind.ClientIP:
                    networks.Add(atom.Network!);
                    break;
            }
        }

        // Headers and query parameters may repeat with different values, so they never conflict.
        return (host is null || wildcard is null || WildcardHostMatcher.Covers(host, wildcard))
            && prefixes.All(p => path?.StartsWith(p, StringComparison.Ordinal)
                ?? prefixes.All(q => p.StartsWith(q, StringComparison.Ordinal) || q.StartsWith(p, StringComparison.Ordinal)))
            && networks.All(n => networks.All(m => n.Overlaps(m)));
    }

    private static bool Same(ref string? slot, string value)
    {
        slot ??= value;
        return slot == value;
    }

    private static bool CommonEntryPoint(AnalyzedRouter a, AnalyzedRouter b, out string names)
    {
        if (a.EntryPoints.Count == 0 || b.EntryPoints.Count == 0)
        {
            var list = a.EntryPoints.Count == 0 ? b.EntryPoints : a.EntryPoints;
            names = list.Count == 0 ? "(all)" : string.Join(", ", list);
            return true;
        }

        var common = a.EntryPoints.Intersect(b.EntryPoints, StringComparer.Ordinal).ToList();
        names = string.Join(", ", common);
        return common.Count > 0;
    }
}

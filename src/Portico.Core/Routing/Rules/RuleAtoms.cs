namespace Portico.Routing.Rules;

internal enum AtomKind
{
    Host,
    HostWildcard,
    Path,
    PathPrefix,
    Method,
    Header,
    Query,
    ClientIP,

    /// <summary>A regex, a negation or anything else the analysis cannot reason about; only identical opaque atoms relate.</summary>
    Opaque,
}

/// <summary>One simple condition of a rule in disjunctive normal form. <see cref="Key"/> identifies opaque atoms.</summary>
internal sealed record RuleAtom(AtomKind Kind, string Value, string Extra, string Key, IpNetwork? Network = null)
{
    public static RuleAtom Opaque(string key) => new(AtomKind.Opaque, string.Empty, string.Empty, key);

    /// <summary>True when every request satisfying this atom satisfies <paramref name="other"/> (decided conservatively).</summary>
    public bool Implies(RuleAtom other)
    {
        if (Key == other.Key)
        {
            return true;
        }

        return other.Kind switch
        {
            AtomKind.HostWildcard => (Kind == AtomKind.Host && WildcardHostMatcher.Covers(Value, other.Value))
                || (Kind == AtomKind.HostWildcard && Value == other.Value),
            AtomKind.PathPrefix => Kind is AtomKind.Path or AtomKind.PathPrefix && Value.StartsWith(other.Value, StringComparison.Ordinal),
            AtomKind.ClientIP => Kind == AtomKind.ClientIP && other.Network!.Contains(Network!),
            _ => false,
        };
    }
}

/// <summary>Converts a parsed rule to disjunctive normal form over <see cref="RuleAtom"/>s, for <see cref="RuleAnalysis"/>.</summary>
internal static class RuleDnf
{
    private const int MaxTerms = 64;

    /// <summary>The rule as an OR of AND-terms, or null when it is too large to analyse.</summary>
    public static List<RuleAtom[]>? From(RuleNode node, RuleSyntax syntax, bool negate = false)
    {
        switch (node)
        {
            case NotNode not:
                return From(not.Operand, syntax, !negate);
            case AndNode conj when !negate:
                return Product(From(conj.Left, syntax), From(conj.Right, syntax));
            case OrNode disj when negate:
                return Product(From(disj.Left, syntax, true), From(disj.Right, syntax, true));
            case AndNode negConj:
                return Sum(From(negConj.Left, syntax, true), From(negConj.Right, syntax, true));
            case OrNode plainDisj:
                return Sum(From(plainDisj.Left, syntax), From(plainDisj.Right, syntax));
            case MatcherCall call:
                var alternatives = Atoms(call, syntax);
                if (!negate)
                {
                    return alternatives;
                }

                // NOT (t1 OR t2 ...) = AND of the negated terms; negated conditions are opaque.
                List<RuleAtom[]>? result = [[]];
                foreach (var term in alternatives)
                {
                    var negated = term.Length == 0
                        ? new List<RuleAtom[]> { new[] { RuleAtom.Opaque("false") } }
                        : term.Select(a => new[] { RuleAtom.Opaque("!" + a.Key) }).ToList();
                    result = Product(result, negated);
                }

                return result;
            default:
                return null;
        }
    }

    private static List<RuleAtom[]>? Sum(List<RuleAtom[]>? a, List<RuleAtom[]>? b) =>
        a is null || b is null || a.Count + b.Count > MaxTerms ? null : [.. a, .. b];

    private static List<RuleAtom[]>? Product(List<RuleAtom[]>? a, List<RuleAtom[]>? b)
    {
        if (a is null || b is null || a.Count * b.Count > MaxTerms)
        {
            return null;
        }

        var result = new List<RuleAtom[]>(a.Count * b.Count);
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                result.Add([.. x, .. y]);
            }
        }

        return result;
    }

    /// <summary>The alternatives (OR) of one matcher call; v2 multi-value matchers give several.</summary>
    private static List<RuleAtom[]> Atoms(MatcherCall call, RuleSyntax syntax)
    {
        var name = MatcherFactory.CanonicalName(call.Name, syntax) ?? call.Name;
        var args = call.Arguments;
        var opaque = new List<RuleAtom[]> { new[] { RuleAtom.Opaque($"{name}({string.Join("\u0000", args)})") } };
        switch (name)
        {
            case "Host" or "HostHeader":
                return args.Select(HostAtom).ToList();
            case "Path" or "PathPrefix" when args.All(a => !a.Contains('{', StringComparison.Ordinal)):
                var kind = name == "Path" ? AtomKind.Path : AtomKind.PathPrefix;
                return args.Select(a => new[] { new RuleAtom(kind, a, string.Empty, $"{name}:{a}") }).ToList();
            case "Method":
                return args.Select(a => new[] { Simple(AtomKind.Method, a.ToUpperInvariant()) }).ToList();
            case "Header" or "Headers":
                return [[new RuleAtom(AtomKind.Header, args[0].ToLowerInvariant(), args[1], $"Header:{args[0].ToLowerInvariant()}\u0000{args[1]}")]];
            case "Query" or "QueryRegexp" when syntax == RuleSyntax.V3 && (name == "Query" || args.Count == 1):
                var value = args.Count == 2 ? args[1] : string.Empty;
                return [[new RuleAtom(AtomKind.Query, args[0], value, $"Query:{args[0]}\u0000{value}")]];
            case "ClientIP":
                return args.Select(a => IpNetwork.TryParse(a.Trim(), out var n)
                    ? new[] { new RuleAtom(AtomKind.ClientIP, n!.ToString(), string.Empty, "ClientIP:" + n, n) }
                    : new[] { RuleAtom.Opaque("ClientIP:" + a) }).ToList();
            default:
                return opaque;
        }
    }

    private static RuleAtom[] HostAtom(string value)
    {
        var host = HostValues.Canonical(value);
        if (host == "*")
        {
            return [];
        }

        return host.StartsWith("*.", StringComparison.Ordinal)
            ? [Simple(AtomKind.HostWildcard, host[1..])]
            : [Simple(AtomKind.Host, host)];
    }

    private static RuleAtom Simple(AtomKind kind, string value) => new(kind, value, string.Empty, $"{kind}:{value}");
}

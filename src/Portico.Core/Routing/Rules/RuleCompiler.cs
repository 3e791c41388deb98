using System.Diagnostics.CodeAnalysis;

namespace Portico.Routing.Rules;

/// <summary>What one AST node compiles to: its predicate and the index hints it guarantees (null: none).</summary>
internal readonly record struct CompiledPart(RuleMatcher Matcher, HostHint? Hosts, string[]? Prefixes)
{
    public static CompiledPart Unindexed(RuleMatcher matcher) => new(matcher, null, null);
}

/// <summary>Hosts a request must have: one of <see cref="Exact"/> or one label in front of one of <see cref="Wildcards"/>.</summary>
internal sealed record HostHint(string[] Exact, string[] Wildcards)
{
    public static HostHint Union(HostHint a, HostHint b) =>
        new(a.Exact.Union(b.Exact, StringComparer.Ordinal).ToArray(), a.Wildcards.Union(b.Wildcards, StringComparer.Ordinal).ToArray());
}

/// <summary>Entry point of the rule language: parses, validates and compiles a router rule.</summary>
internal static class RuleCompiler
{
    /// <summary>
    /// Compiles <paramref name="rule"/> in <paramref name="syntax"/>. On failure <paramref name="error"/> reads like
    /// <c>rule "Host(`a`) &amp;&amp;": unexpected end of rule at column 13</c>.
    /// </summary>
    public static bool TryCompile(
        string rule,
        RuleSyntax syntax,
        [NotNullWhen(true)] out CompiledRule? compiled,
        [NotNullWhen(false)] out string? error)
    {
        compiled = null;
        try
        {
            var tree = RuleParser.Parse(rule);
            var part = Build(tree, syntax);
            var hints = new RuleIndexHints(part.Hosts?.Exact, part.Hosts?.Wildcards, part.Prefixes);
            compiled = new CompiledRule(rule, syntax, tree, part.Matcher, hints);
            error = null;
            return true;
        }
        catch (RuleSyntaxException ex)
        {
            error = $"rule \"{rule}\": {ex.Message} at column {ex.Column}";
            return false;
        }
    }

    /// <summary>Compiles or throws <see cref="FormatException"/>; for tests and internal routers whose rules are constants.</summary>
    public static CompiledRule Compile(string rule, RuleSyntax syntax = RuleSyntax.V3) =>
        TryCompile(rule, syntax, out var compiled, out var error) ? compiled : throw new FormatException(error);

    private static CompiledPart Build(RuleNode node, RuleSyntax syntax)
    {
        switch (node)
        {
            case AndNode and:
                {
                    var l = Build(and.Left, syntax);
                    var r = Build(and.Right, syntax);

                    // Either side's requirement is necessary for the conjunction; keep one of each kind.
                    return new CompiledPart(new AndMatcher(l.Matcher, r.Matcher), l.Hosts ?? r.Hosts, l.Prefixes ?? r.Prefixes);
                }

            case OrNode or:
                {
                    var l = Build(or.Left, syntax);
                    var r = Build(or.Right, syntax);

                    // A disjunction only requires something when both sides do.
                    var hosts = l.Hosts is not null && r.Hosts is not null ? HostHint.Union(l.Hosts, r.Hosts) : null;
                    var prefixes = l.Prefixes is not null && r.Prefixes is not null
                        ? l.Prefixes.Union(r.Prefixes, StringComparer.Ordinal).ToArray()
                        : null;
                    return new CompiledPart(new OrMatcher(l.Matcher, r.Matcher), hosts, prefixes);
                }

            case NotNode not:
                return CompiledPart.Unindexed(new NotMatcher(Build(not.Operand, syntax).Matcher));
            case MatcherCall call:
                return MatcherFactory.Create(call, syntax);
            default:
                throw new RuleSyntaxException("unsupported expression", node.Column);
        }
    }
}

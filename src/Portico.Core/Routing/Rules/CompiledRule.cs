namespace Portico.Routing.Rules;

/// <summary>
/// Necessary conditions of a rule used to index it: a request can only match when its host is one of
/// <see cref="ExactHosts"/> or covered by one of <see cref="WildcardSuffixes"/> (both null: no host
/// requirement), and when its path starts with one of <see cref="PathPrefixes"/> (null: none).
/// </summary>
internal sealed record RuleIndexHints(
    IReadOnlyList<string>? ExactHosts,
    IReadOnlyList<string>? WildcardSuffixes,
    IReadOnlyList<string>? PathPrefixes)
{
    public static readonly RuleIndexHints None = new(null, null, null);

    public bool HasHostRequirement => ExactHosts is not null || WildcardSuffixes is not null;
}

/// <summary>A rule compiled to a predicate over <see cref="RoutingRequest"/>, with its source and index hints.</summary>
internal sealed class CompiledRule
{
    private readonly RuleMatcher _matcher;

    internal CompiledRule(string text, RuleSyntax syntax, RuleNode syntaxTree, RuleMatcher matcher, RuleIndexHints hints)
    {
        Text = text;
        Syntax = syntax;
        SyntaxTree = syntaxTree;
        _matcher = matcher;
        Hints = hints;
    }

    public string Text { get; }

    public RuleSyntax Syntax { get; }

    /// <summary>The parsed rule, used by <see cref="RuleAnalysis"/>.</summary>
    public RuleNode SyntaxTree { get; }

    public RuleIndexHints Hints { get; }

    /// <summary>The default priority: the rule's length in UTF-8 bytes.</summary>
    public int DefaultPriority => RulePriority.Default(Text);

    public bool Matches(in RoutingRequest request) => _matcher.Matches(request);

    public override string ToString() => Text;
}

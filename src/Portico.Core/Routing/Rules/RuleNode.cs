namespace Portico.Routing.Rules;

/// <summary>A node of a parsed rule. <see cref="Column"/> is 1-based, for error messages.</summary>
internal abstract record RuleNode(int Column);

internal sealed record OrNode(RuleNode Left, RuleNode Right, int Column) : RuleNode(Column)
{
    public override string ToString() => $"({Left} || {Right})";
}

internal sealed record AndNode(RuleNode Left, RuleNode Right, int Column) : RuleNode(Column)
{
    public override string ToString() => $"({Left} && {Right})";
}

internal sealed record NotNode(RuleNode Operand, int Column) : RuleNode(Column)
{
    public override string ToString() => $"!{Operand}";
}

/// <summary>A matcher call such as <c>Host(`a`)</c>; <see cref="Name"/> is as written, resolved by the compiler.</summary>
internal sealed record MatcherCall(string Name, IReadOnlyList<string> Arguments, int Column) : RuleNode(Column)
{
    public override string ToString() => $"{Name}({string.Join(", ", Arguments.Select(a => "`" + a + "`"))})";
}

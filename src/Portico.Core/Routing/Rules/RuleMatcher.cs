namespace Portico.Routing.Rules;

/// <summary>A compiled node of a rule: a predicate over the per-request view, allocation-free.</summary>
internal abstract class RuleMatcher
{
    public abstract bool Matches(in RoutingRequest request);
}

internal sealed class AndMatcher(RuleMatcher left, RuleMatcher right) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => left.Matches(request) && right.Matches(request);
}

internal sealed class OrMatcher(RuleMatcher left, RuleMatcher right) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => left.Matches(request) || right.Matches(request);
}

/// <summary>OR over the values of a v2 multi-value matcher such as <c>Host(`a`, `b`)</c>.</summary>
internal sealed class AnyMatcher(RuleMatcher[] items) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request)
    {
        foreach (var item in items)
        {
            if (item.Matches(request))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>AND over several conditions, used by the v2 <c>Query</c> matcher whose pairs must all match.</summary>
internal sealed class AllMatcher(RuleMatcher[] items) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request)
    {
        foreach (var item in items)
        {
            if (!item.Matches(request))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class NotMatcher(RuleMatcher operand) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => !operand.Matches(request);
}

internal sealed class TrueMatcher : RuleMatcher
{
    public static readonly TrueMatcher Instance = new();

    public override bool Matches(in RoutingRequest request) => true;
}

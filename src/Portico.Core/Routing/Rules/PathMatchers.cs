using System.Text.RegularExpressions;

namespace Portico.Routing.Rules;

internal sealed class PathMatcher(string path) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => string.Equals(request.Path, path, StringComparison.Ordinal);
}

/// <summary>A plain string prefix: <c>PathPrefix(`/products`)</c> also matches <c>/products-for-sale</c>, like Traefik.</summary>
internal sealed class PathPrefixMatcher(string prefix) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => request.Path.StartsWith(prefix, StringComparison.Ordinal);
}

internal sealed class PathRegexMatcher(Regex regex) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => regex.IsMatch(request.Path);
}

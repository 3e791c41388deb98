namespace Portico.Routing.Rules;

/// <summary>The rule language version of a router (<c>ruleSyntax</c>, or <c>core.defaultRuleSyntax</c>).</summary>
internal enum RuleSyntax
{
    V3,

    /// <summary>Traefik v2 syntax: multi-value matchers, <c>Headers</c>, gorilla/mux templates. Deprecated.</summary>
    V2,
}

internal static class RuleSyntaxNames
{
    /// <summary>Parses <c>v2</c>/<c>v3</c>; an empty value yields <paramref name="fallback"/>.</summary>
    public static bool TryParse(string? value, RuleSyntax fallback, out RuleSyntax syntax)
    {
        syntax = fallback;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        switch (value.Trim().ToLowerInvariant())
        {
            case "v3":
                syntax = RuleSyntax.V3;
                return true;
            case "v2":
                syntax = RuleSyntax.V2;
                return true;
            default:
                return false;
        }
    }
}

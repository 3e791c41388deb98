namespace Portico.Middlewares.ForwardAuth;

/// <summary>Go's <c>http.CanonicalHeaderKey</c>: Traefik matches header names in this form, for example with authResponseHeadersRegex.</summary>
internal static class GoHeaderKey
{
    public static string Canonical(string name)
    {
        var upper = true;
        var changed = false;
        foreach (var c in name)
        {
            // Go leaves names with characters outside the token set (and spaces) untouched.
            if (c is ' ' or > '~' or < '!' or '"' or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}')
            {
                return name;
            }

            var wanted = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            changed |= wanted != c;
            upper = c == '-';
        }

        if (!changed)
        {
            return name;
        }

        return string.Create(name.Length, name, static (span, source) =>
        {
            var upper = true;
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = upper ? char.ToUpperInvariant(source[i]) : char.ToLowerInvariant(source[i]);
                upper = source[i] == '-';
            }
        });
    }
}

using System.Text;

namespace Portico.Routing.Rules;

/// <summary>
/// gorilla/mux route templates used by the v2 rule syntax: literal text with <c>{name}</c> or
/// <c>{name:regex}</c> variables, turned into an RE2 pattern the way gorilla/mux does.
/// </summary>
internal static class GorillaTemplate
{
    public enum Kind
    {
        Host,
        Path,
        PathPrefix,
        QueryValue,
    }

    public static string ToRegex(MatcherCall call, string template, Kind kind)
    {
        var defaultPattern = kind switch
        {
            Kind.Host => "[^.]+",
            Kind.QueryValue => ".*",
            _ => "[^/]+",
        };
        var sb = new StringBuilder("^");
        var pos = 0;
        var index = 0;
        while (pos < template.Length)
        {
            var open = template.IndexOf('{', pos);
            if (open < 0)
            {
                sb.Append(QuoteMeta(template[pos..]));
                break;
            }

            var close = MatchingBrace(template, open)
                ?? throw new RuleSyntaxException($"unbalanced braces in \"{template}\"", call.Column);
            sb.Append(QuoteMeta(template[pos..open]));
            var variable = template[(open + 1)..close];
            var colon = variable.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? variable : variable[..colon];
            var pattern = colon < 0 ? defaultPattern : variable[(colon + 1)..];
            if (name.Length == 0 || pattern.Length == 0)
            {
                throw new RuleSyntaxException($"missing name or pattern in \"{template}\"", call.Column);
            }

            sb.Append("(?P<v").Append(index++).Append('>').Append(pattern).Append(')');
            pos = close + 1;
        }

        if (kind != Kind.PathPrefix)
        {
            sb.Append('$');
        }

        return sb.ToString();
    }

    private static int? MatchingBrace(string template, int open)
    {
        var level = 0;
        for (var i = open; i < template.Length; i++)
        {
            if (template[i] == '{')
            {
                level++;
            }
            else if (template[i] == '}' && --level == 0)
            {
                return i;
            }
        }

        return null;
    }

    private static string QuoteMeta(string literal)
    {
        var sb = new StringBuilder(literal.Length);
        foreach (var c in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}

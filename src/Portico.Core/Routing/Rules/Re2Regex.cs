using System.Text;
using System.Text.RegularExpressions;

namespace Portico.Routing.Rules;

/// <summary>
/// Compiles Go RE2 patterns to .NET regexes. Constructs .NET accepts but RE2 does not (look-around,
/// back-references, possessive quantifiers, atomic groups, conditionals) are rejected so that a rule means
/// the same thing in Portico and in Traefik; Go-only syntax (<c>(?P&lt;n&gt;</c>, <c>\x{..}</c>, <c>\Q..\E</c>,
/// POSIX classes) is translated. ASCII-only <c>\d \w \s</c> are kept ASCII like in Go.
/// </summary>
internal static partial class Re2Regex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Validates, translates and compiles <paramref name="pattern"/>; returns null with <paramref name="error"/> when invalid.</summary>
    public static Regex? Compile(string pattern, bool ignoreCase, out string? error)
    {
        var translated = Translate(pattern, out error);
        if (translated is null)
        {
            return null;
        }

        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            // The non-backtracking engine runs in linear time, so a hostile request cannot make a rule slow.
            return new Regex(translated, options | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            // Not expected after validation; the timeout still bounds the backtracking engine.
        }
        catch (ArgumentException ex)
        {
            error = $"invalid regular expression \"{pattern}\": {ex.Message}";
            return null;
        }

        try
        {
            return new Regex(translated, options, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            error = $"invalid regular expression \"{pattern}\": {ex.Message}";
            return null;
        }
    }

    /// <summary>Translates an RE2 pattern to .NET syntax, or returns null and an error for unsupported constructs.</summary>
    public static string? Translate(string pattern, out string? error)
    {
        error = null;
        var sb = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        var classStart = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            string? problem;
            if (c == '\\')
            {
                problem = TranslateEscape(pattern, ref i, sb, inClass);
                classStart = false;
            }
            else if (inClass)
            {
                problem = TranslateClassChar(pattern, ref i, sb, ref inClass, ref classStart);
            }
            else
            {
                problem = TranslateOutside(pattern, ref i, sb, ref inClass, ref classStart);
            }

            if (problem is not null)
            {
                error = $"invalid regular expression \"{pattern}\": {problem} (Go RE2 syntax)";
                return null;
            }
        }

        if (inClass)
        {
            error = $"invalid regular expression \"{pattern}\": missing closing ] (Go RE2 syntax)";
            return null;
        }

        return sb.ToString();
    }

    private static string? TranslateOutside(string p, ref int i, StringBuilder sb, ref bool inClass, ref bool classStart)
    {
        var c = p[i];
        switch (c)
        {
            case '[':
                inClass = true;
                classStart = true;
                sb.Append('[');
                if (i + 1 < p.Length && p[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }

                return null;
            case '(' when i + 1 < p.Length && p[i + 1] == '?':
                return TranslateGroup(p, ref i, sb);
            case '*' or '+' or '?' or '}':
                sb.Append(c);
                if (i + 1 < p.Length && p[i + 1] == '+' && (c != '}' || IsRepeatEnd(p, i)))
                {
                    return "possessive quantifiers are not supported";
                }

                if (i + 1 < p.Length && c != '?' && IsQuantifierStart(p[i + 1]) && p[i + 1] != '?' && (c != '}' || IsRepeatEnd(p, i)))
                {
                    return "invalid nested repetition operator";
                }

                return null;
            default:
                sb.Append(c);
                return null;
        }
    }

    private static bool IsQuantifierStart(char c) => c is '*' or '+' or '?';

    // True when the '}' at index i closes a {n}, {n,} or {n,m} repeat rather than being a literal.
    private static bool IsRepeatEnd(string p, int i)
    {
        var open = p.LastIndexOf('{', i);
        return open >= 0 && RepeatPattern().IsMatch(p.AsSpan(open, i - open + 1));
    }

    [GeneratedRegex(@"^\{[0-9]+(,[0-9]*)?\}$")]
    private static partial Regex RepeatPattern();

    private static string? TranslateGroup(string p, ref int i, StringBuilder sb)
    {
        var rest = p.AsSpan(i + 2);
        if (rest.StartsWith("P<") || rest.StartsWith("<"))
        {
            var nameStart = rest.IndexOf('<') + 1;
            var close = rest.IndexOf('>');
            if (rest.StartsWith("<=") || rest.StartsWith("<!"))
            {
                return "look-behind assertions are not supported";
            }

            if (close < 0)
            {
                return "invalid named capture";
            }

            sb.Append("(?<").Append(rest[nameStart..close]).Append('>');
            i += 2 + close;
            return null;
        }

        if (rest.StartsWith("P="))
        {
            return "back-references are not supported";
        }

        if (rest.Length == 0)
        {
            return "missing argument to repetition operator";
        }

        switch (rest[0])
        {
            case '=' or '!':
                return "look-ahead assertions are not supported";
            case '>':
                return "atomic groups are not supported";
            case '(':
                return "conditional groups are not supported";
            case '#':
                return "comments are not supported";
            case '\'':
                return "invalid named capture";
        }

        // Flag groups: (?flags) or (?flags:...), flags among i, m, s and U; U (ungreedy) has no .NET equivalent.
        var j = 0;
        while (j < rest.Length && rest[j] is 'i' or 'm' or 's' or 'U' or '-')
        {
            if (rest[j] == 'U')
            {
                return "the ungreedy flag (?U) is not supported";
            }

            j++;
        }

        if (j == rest.Length || rest[j] is not (':' or ')'))
        {
            return "invalid or unsupported perl syntax after \"(?\"";
        }

        sb.Append("(?").Append(rest[..(j + 1)]);
        i += 2 + j;
        return null;
    }

    private static string? TranslateClassChar(string p, ref int i, StringBuilder sb, ref bool inClass, ref bool classStart)
    {
        var c = p[i];
        var wasStart = classStart;
        classStart = false;
        switch (c)
        {
            case ']' when !wasStart:
                inClass = false;
                sb.Append(']');
                return null;
            case ']':
                sb.Append("\\]");
                return null;
            case '[' when i + 1 < p.Length && p[i + 1] == ':':
                var end = p.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    sb.Append("\\[");
                    return null;
                }

                var name = p[(i + 2)..end];
                var ranges = PosixClass(name);
                if (ranges is null)
                {
                    return $"unsupported character class [:{name}:]";
                }

                sb.Append(ranges);
                i = end + 1;
                return null;
            case '[':
                // Escaped so that .NET never reads it as character-class subtraction.
                sb.Append("\\[");
                return null;
            default:
                sb.Append(c);
                return null;
        }
    }

    private static string? PosixClass(string name) => name switch
    {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => "\\x00-\\x7F",
        "blank" => "\\t ",
        "cntrl" => "\\x00-\\x1F\\x7F",
        "digit" => "0-9",
        "graph" => "!-~",
        "lower" => "a-z",
        "print" => " -~",
        "punct" => "!-/:-@\\[-`{-~",
        "space" => "\\t\\n\\v\\f\\r ",
        "upper" => "A-Z",
        "word" => "0-9A-Za-z_",
        "xdigit" => "0-9A-Fa-f",
        _ => null,
    };
}

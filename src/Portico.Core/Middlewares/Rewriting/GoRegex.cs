using System.Text.RegularExpressions;
using Portico.Routing.Rules;

namespace Portico.Middlewares.Rewriting;

/// <summary>
/// A Go regular expression (RE2 syntax, compiled by <see cref="Re2Regex"/>) with Go's numbering of its groups, so that a
/// Go replacement template can name them: .NET numbers unnamed groups before named ones, Go numbers all groups left to right.
/// </summary>
internal sealed class GoRegex
{
    private GoRegex(Regex regex, int[] goToNet, string?[] names)
    {
        Regex = regex;
        GoToNet = goToNet;
        Names = names;
    }

    public Regex Regex { get; }

    /// <summary>The .NET group number of each Go group number (index 0 is the whole match).</summary>
    public int[] GoToNet { get; }

    /// <summary>The name of each Go group, null when unnamed.</summary>
    public string?[] Names { get; }

    /// <summary>
    /// Compiles <paramref name="pattern"/>, trimmed when Traefik trims it for this middleware; on failure reports an error
    /// naming <paramref name="option"/> and returns null.
    /// </summary>
    public static GoRegex? Compile(MiddlewareContext context, string option, string? pattern, bool trim = true)
    {
        var trimmed = trim ? (pattern ?? string.Empty).Trim() : pattern ?? string.Empty;
        var regex = Re2Regex.Compile(trimmed, ignoreCase: false, out var error);
        if (regex is null)
        {
            context.Error($"{context.TypeName}: {option}: {error}");
            return null;
        }

        var names = GroupNames(trimmed);
        var goToNet = new int[names.Count];
        var unnamed = 0;
        for (var i = 1; i < names.Count; i++)
        {
            goToNet[i] = names[i] is { } name ? regex.GroupNumberFromName(name) : ++unnamed;
        }

        return new GoRegex(regex, goToNet, [.. names]);
    }

    /// <summary>The capturing groups of an RE2 pattern in Go's order: index 0 is the whole match, then one entry per '('.</summary>
    internal static List<string?> GroupNames(string p)
    {
        var names = new List<string?> { null };
        for (var i = 0; i < p.Length; i++)
        {
            switch (p[i])
            {
                case '\\' when i + 1 < p.Length && p[i + 1] == 'Q':
                    var end = p.IndexOf("\\E", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? p.Length : end + 1;
                    break;
                case '\\':
                    i++;
                    break;
                case '[':
                    i = SkipClass(p, i);
                    break;
                case '(' when i + 1 < p.Length && p[i + 1] == '?':
                    var rest = p.AsSpan(i + 2);
                    var open = rest.StartsWith("P<") ? 2 : rest.StartsWith("<") ? 1 : 0;
                    var close = rest.IndexOf('>');
                    if (open > 0 && close > open)
                    {
                        names.Add(rest[open..close].ToString());
                    }

                    break;
                case '(':
                    names.Add(null);
                    break;
            }
        }

        return names;
    }

    // Returns the index of the ']' closing the class opened at i: a ']' first in the class is literal, "[:name:]" is skipped.
    private static int SkipClass(string p, int i)
    {
        i++;
        if (i < p.Length && p[i] == '^')
        {
            i++;
        }

        if (i < p.Length && p[i] == ']')
        {
            i++;
        }

        for (; i < p.Length; i++)
        {
            if (p[i] == '\\')
            {
                i++;
            }
            else if (p[i] == '[' && i + 1 < p.Length && p[i + 1] == ':')
            {
                var end = p.IndexOf(":]", i + 2, StringComparison.Ordinal);
                i = end < 0 ? i : end + 1;
            }
            else if (p[i] == ']')
            {
                return i;
            }
        }

        return p.Length;
    }
}

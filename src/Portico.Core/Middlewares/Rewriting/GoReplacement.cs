using System.Text;
using System.Text.RegularExpressions;

namespace Portico.Middlewares.Rewriting;

/// <summary>
/// Go's <c>Regexp.ReplaceAllString</c> with a template parsed once: <c>$1</c>, <c>${1}</c>, <c>$name</c> and <c>${name}</c>
/// refer to groups, <c>$$</c> is a dollar. As in Go a name is the longest run of letters, digits and underscores, so
/// <c>$1x</c> means the group named <c>1x</c> (usually none, hence empty), a missing group expands to nothing, and a
/// <c>$</c> that starts no valid reference is kept as is.
/// </summary>
internal sealed class GoReplacement
{
    private readonly GoRegex _regex;

    // A literal piece (Group < 0) or the .NET number of a group to copy (Group >= 0); references to missing groups are dropped.
    private readonly (string Literal, int Group)[] _parts;

    public GoReplacement(GoRegex regex, string template)
    {
        _regex = regex;
        _parts = Parse(regex, template);
    }

    public Regex Regex => _regex.Regex;

    /// <summary>Replaces every match in <paramref name="input"/>; empty matches right after a match are skipped, as in Go.</summary>
    public string ReplaceAll(string input)
    {
        var match = _regex.Regex.Match(input);
        if (!match.Success)
        {
            return input;
        }

        var sb = new StringBuilder(input.Length + 16);
        var last = 0;
        var previousEnd = -1;
        for (; match.Success; match = match.NextMatch())
        {
            if (match.Length == 0 && match.Index == previousEnd)
            {
                continue;
            }

            sb.Append(input, last, match.Index - last);
            foreach (var (literal, group) in _parts)
            {
                if (group < 0)
                {
                    sb.Append(literal);
                }
                else if (match.Groups[group] is { Success: true } captured)
                {
                    sb.Append(captured.ValueSpan);
                }
            }

            last = match.Index + match.Length;
            previousEnd = last;
        }

        sb.Append(input, last, input.Length - last);
        return sb.ToString();
    }

    private static (string, int)[] Parse(GoRegex regex, string template)
    {
        var parts = new List<(string, int)>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                literal.Append(template, i, template.Length - i);
                break;
            }

            literal.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                literal.Append('$');
                i++;
                continue;
            }

            if (!TryExtract(template, ref i, out var name))
            {
                literal.Append('$');
                continue;
            }

            var group = Resolve(regex, name);
            if (group >= 0)
            {
                Flush(parts, literal);
                parts.Add((string.Empty, group));
            }
        }

        Flush(parts, literal);
        return [.. parts];
    }

    // Go's extract(): a name of letters, digits and '_' after '$', or inside "${...}".
    private static bool TryExtract(string template, ref int i, out string name)
    {
        name = string.Empty;
        var brace = i < template.Length && template[i] == '{';
        var start = brace ? i + 1 : i;
        var end = start;
        while (end < template.Length && (char.IsLetterOrDigit(template[end]) || template[end] == '_'))
        {
            end++;
        }

        if (end == start || (brace && (end >= template.Length || template[end] != '}')))
        {
            return false;
        }

        name = template[start..end];
        i = brace ? end + 1 : end;
        return true;
    }

    // A number (without leading zeros) is a group index, anything else a group name; -1 when the group does not exist.
    private static int Resolve(GoRegex regex, string name)
    {
        var isNumber = name.Length <= 8 && (name == "0" || name[0] != '0');
        foreach (var c in name)
        {
            isNumber &= char.IsAsciiDigit(c);
        }

        if (isNumber)
        {
            var index = int.Parse(name, System.Globalization.CultureInfo.InvariantCulture);
            return index < regex.GoToNet.Length ? regex.GoToNet[index] : -1;
        }

        var position = Array.IndexOf(regex.Names, name);
        return position > 0 ? regex.GoToNet[position] : -1;
    }

    private static void Flush(List<(string, int)> parts, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            parts.Add((literal.ToString(), -1));
            literal.Clear();
        }
    }
}

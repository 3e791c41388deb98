using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Portico.Routing.Rules;

/// <summary>Backslash escapes: Go-only forms translated, .NET-only forms and back-references rejected.</summary>
internal static partial class Re2Regex
{
    private static string? TranslateEscape(string p, ref int i, StringBuilder sb, bool inClass)
    {
        if (i + 1 >= p.Length)
        {
            return "trailing backslash at end of expression";
        }

        var e = p[++i];
        switch (e)
        {
            case 'd': sb.Append(inClass ? "0-9" : "[0-9]"); return null;
            case 'w': sb.Append(inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]"); return null;
            case 's': sb.Append(inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]"); return null;
            case 'D': sb.Append(inClass ? "\\D" : "[^0-9]"); return null;
            case 'W': sb.Append(inClass ? "\\W" : "[^0-9A-Za-z_]"); return null;
            case 'S': sb.Append(inClass ? "\\S" : "[^\\t\\n\\f\\r ]"); return null;
            case 'A' or 'z' or 'b' or 'B' when !inClass:
                sb.Append('\\').Append(e);
                return null;
            case 'a' or 'f' or 't' or 'n' or 'r' or 'v':
                sb.Append('\\').Append(e);
                return null;
            case 'p' or 'P':
                return TranslateUnicodeClass(p, ref i, sb, e);
            case 'x':
                return TranslateHexEscape(p, ref i, sb);
            case 'Q' when !inClass:
                var end = p.IndexOf("\\E", i + 1, StringComparison.Ordinal);
                var literal = end < 0 ? p[(i + 1)..] : p[(i + 1)..end];
                sb.Append(Regex.Escape(literal));
                i = end < 0 ? p.Length - 1 : end + 1;
                return null;
            case >= '0' and <= '7':
                // Go reads up to three octal digits; a lone non-zero digit would be a back-reference.
                var digits = 1;
                while (digits < 3 && i + digits < p.Length && p[i + digits] is >= '0' and <= '7')
                {
                    digits++;
                }

                if (e != '0' && digits == 1)
                {
                    return "back-references are not supported";
                }

                var value = Convert.ToInt32(p.Substring(i, digits), 8);
                sb.Append("\\u").Append(value.ToString("X4", CultureInfo.InvariantCulture));
                i += digits - 1;
                return null;
            case '8' or '9':
                return "back-references are not supported";
            case 'k':
                return "back-references are not supported";
            default:
                if (char.IsAsciiLetterOrDigit(e))
                {
                    return $"invalid escape sequence \"\\{e}\"";
                }

                // Escaped punctuation is a literal in both dialects.
                sb.Append('\\').Append(e);
                return null;
        }
    }

    private static string? TranslateUnicodeClass(string p, ref int i, StringBuilder sb, char e)
    {
        if (i + 1 >= p.Length)
        {
            return "invalid character class range";
        }

        if (p[i + 1] == '{')
        {
            var close = p.IndexOf('}', i + 2);
            if (close < 0)
            {
                return "invalid character class range";
            }

            var name = p[(i + 2)..close];
            if (name.StartsWith('^'))
            {
                e = e == 'p' ? 'P' : 'p';
                name = name[1..];
            }

            sb.Append('\\').Append(e).Append('{').Append(name).Append('}');
            i = close;
            return null;
        }

        sb.Append('\\').Append(e).Append('{').Append(p[i + 1]).Append('}');
        i++;
        return null;
    }

    private static string? TranslateHexEscape(string p, ref int i, StringBuilder sb)
    {
        string hex;
        if (i + 1 < p.Length && p[i + 1] == '{')
        {
            var close = p.IndexOf('}', i + 2);
            if (close < 0)
            {
                return "invalid escape sequence \"\\x{\"";
            }

            hex = p[(i + 2)..close];
            i = close;
        }
        else
        {
            if (i + 2 >= p.Length)
            {
                return "invalid escape sequence \"\\x\"";
            }

            hex = p.Substring(i + 1, 2);
            i += 2;
        }

        if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) || value > 0x10FFFF)
        {
            return $"invalid escape sequence \"\\x{hex}\"";
        }

        if (value > 0xFFFF)
        {
            return "code points above U+FFFF in \\x{...} are not supported";
        }

        sb.Append("\\u").Append(value.ToString("X4", CultureInfo.InvariantCulture));
        return null;
    }
}

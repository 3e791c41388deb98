using System.Globalization;
using System.Text;

namespace Portico.Routing.Rules;

/// <summary>Escape sequences of Go interpreted string literals, decoded to UTF-8 bytes like Go does.</summary>
internal static class GoEscapes
{
    /// <summary>Reads the escape starting at <paramref name="pos"/> (on the backslash) and appends its bytes.</summary>
    public static void ReadEscape(string text, ref int pos, List<byte> bytes)
    {
        var column = pos + 1;
        if (pos + 1 >= text.Length)
        {
            throw new RuleSyntaxException("unterminated double-quoted string", column);
        }

        var e = text[pos + 1];
        pos += 2;
        switch (e)
        {
            case 'a': bytes.Add(7); return;
            case 'b': bytes.Add(8); return;
            case 'f': bytes.Add(12); return;
            case 'n': bytes.Add(10); return;
            case 'r': bytes.Add(13); return;
            case 't': bytes.Add(9); return;
            case 'v': bytes.Add(11); return;
            case '\\': bytes.Add((byte)'\\'); return;
            case '"': bytes.Add((byte)'"'); return;
            case 'x':
                bytes.Add((byte)ReadHex(text, ref pos, 2, column));
                return;
            case 'u':
                AddRune(ReadHex(text, ref pos, 4, column), bytes, column);
                return;
            case 'U':
                AddRune(ReadHex(text, ref pos, 8, column), bytes, column);
                return;
            case >= '0' and <= '7':
                if (pos + 2 > text.Length || !IsOctal(text[pos]) || !IsOctal(text[pos + 1]))
                {
                    throw new RuleSyntaxException("invalid octal escape (Go needs exactly three octal digits)", column);
                }

                var value = ((e - '0') * 64) + ((text[pos] - '0') * 8) + (text[pos + 1] - '0');
                if (value > 255)
                {
                    throw new RuleSyntaxException("octal escape value > 255", column);
                }

                bytes.Add((byte)value);
                pos += 2;
                return;
            default:
                throw new RuleSyntaxException($"unknown escape sequence \"\\{e}\" in double-quoted string", column);
        }
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    private static int ReadHex(string text, ref int pos, int digits, int column)
    {
        if (pos + digits > text.Length
            || !int.TryParse(text.AsSpan(pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new RuleSyntaxException($"invalid hexadecimal escape (expected {digits} hex digits)", column);
        }

        pos += digits;
        return value;
    }

    private static void AddRune(int value, List<byte> bytes, int column)
    {
        if (!Rune.IsValid(value))
        {
            throw new RuleSyntaxException("escape sequence is an invalid Unicode code point", column);
        }

        Span<byte> utf8 = stackalloc byte[4];
        var n = new Rune(value).EncodeToUtf8(utf8);
        for (var i = 0; i < n; i++)
        {
            bytes.Add(utf8[i]);
        }
    }
}

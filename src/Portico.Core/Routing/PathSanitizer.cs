using System.Text;
using Portico.Configuration.Static;

namespace Portico.Routing;

/// <summary>An encoded character that the entry point's <c>encodedCharacters</c> options forbid; the entry point answers 400.</summary>
internal enum EncodedCharacterViolation
{
    None,
    Slash,
    BackSlash,
    NullCharacter,
    Semicolon,
    Percent,
    QuestionMark,
    Hash,
}

/// <summary>
/// Request path processing done before routing, in Traefik's order: encoded-character filtering on the path
/// as sent, normalisation of escapes, then <c>sanitizePath</c> (dot segments and duplicate slashes).
/// </summary>
internal static class PathSanitizer
{
    /// <summary>Returns the first encoded character in <paramref name="escapedPath"/> that <paramref name="options"/> forbid.</summary>
    public static EncodedCharacterViolation CheckEncodedCharacters(ReadOnlySpan<char> escapedPath, EncodedCharactersConfig options)
    {
        var i = escapedPath.IndexOf('%');
        while (i >= 0 && i + 2 < escapedPath.Length)
        {
            var violation = (char.ToUpperInvariant(escapedPath[i + 1]), char.ToUpperInvariant(escapedPath[i + 2])) switch
            {
                ('2', 'F') when !options.AllowEncodedSlash => EncodedCharacterViolation.Slash,
                ('5', 'C') when !options.AllowEncodedBackSlash => EncodedCharacterViolation.BackSlash,
                ('0', '0') when !options.AllowEncodedNullCharacter => EncodedCharacterViolation.NullCharacter,
                ('3', 'B') when !options.AllowEncodedSemicolon => EncodedCharacterViolation.Semicolon,
                ('2', '5') when !options.AllowEncodedPercent => EncodedCharacterViolation.Percent,
                ('3', 'F') when !options.AllowEncodedQuestionMark => EncodedCharacterViolation.QuestionMark,
                ('2', '3') when !options.AllowEncodedHash => EncodedCharacterViolation.Hash,
                _ => EncodedCharacterViolation.None,
            };
            if (violation != EncodedCharacterViolation.None)
            {
                return violation;
            }

            var next = escapedPath[(i + 1)..].IndexOf('%');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return EncodedCharacterViolation.None;
    }

    /// <summary>
    /// Decodes percent-escapes of characters that are not RFC 3986 reserved (so <c>/foo%20bar</c> becomes
    /// <c>/foo bar</c>) and keeps reserved ones (<c>%2F</c>, <c>%3F</c>, <c>%25</c>...) encoded with upper-case hex,
    /// so that decoding never changes the path's structure.
    /// </summary>
    public static string NormalizeEscapes(string escapedPath)
    {
        var first = escapedPath.IndexOf('%');
        if (first < 0)
        {
            return escapedPath;
        }

        var sb = new StringBuilder(escapedPath.Length);
        sb.Append(escapedPath, 0, first);
        var pending = new List<byte>();
        for (var i = first; i < escapedPath.Length; i++)
        {
            var c = escapedPath[i];
            if (c == '%' && i + 2 < escapedPath.Length && TryHex(escapedPath[i + 1], escapedPath[i + 2], out var b))
            {
                if (IsReserved(b))
                {
                    Flush(sb, pending);
                    sb.Append('%').Append(char.ToUpperInvariant(escapedPath[i + 1])).Append(char.ToUpperInvariant(escapedPath[i + 2]));
                }
                else
                {
                    pending.Add(b);
                }

                i += 2;
                continue;
            }

            Flush(sb, pending);
            sb.Append(c);
        }

        Flush(sb, pending);
        return sb.ToString();
    }

    /// <summary>
    /// Go's <c>path.Clean</c> applied the way Traefik's <c>sanitizePath</c> does: duplicate slashes, <c>.</c> and
    /// <c>..</c> segments are removed (never above the root) and a trailing slash is kept.
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return "/";
        }

        if (!NeedsCleaning(path))
        {
            return path;
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var cleaned = "/" + string.Join('/', segments);
        if (path[^1] == '/' && cleaned.Length > 1)
        {
            cleaned += "/";
        }

        return cleaned;
    }

    private static bool NeedsCleaning(string path)
    {
        if (path[0] != '/')
        {
            return true;
        }

        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '/')
            {
                continue;
            }

            // A segment that is empty, "." or ".." follows this slash (a final empty segment is the trailing slash).
            var rest = path.AsSpan(i + 1);
            var end = rest.IndexOf('/');
            var segment = end < 0 ? rest : rest[..end];
            if ((segment.Length == 0 && end >= 0) || segment is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    // RFC 3986 gen-delims and sub-delims, plus '%' itself.
    private static bool IsReserved(byte b) => b < 128 && ":/?#[]@!$&'()*+,;=%".Contains((char)b, StringComparison.Ordinal);

    private static bool TryHex(char h, char l, out byte value)
    {
        var hi = HexValue(h);
        var lo = HexValue(l);
        value = (byte)((hi << 4) | lo);
        return hi >= 0 && lo >= 0;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static void Flush(StringBuilder sb, List<byte> pending)
    {
        if (pending.Count > 0)
        {
            sb.Append(Encoding.UTF8.GetString(pending.ToArray()));
            pending.Clear();
        }
    }
}

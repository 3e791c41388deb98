using System.Text;

namespace Portico.Routing.Rules;

/// <summary>Thrown inside the parser and compiler only; <see cref="RuleCompiler"/> turns it into an error string.</summary>
internal sealed class RuleSyntaxException(string message, int column) : Exception(message)
{
    public int Column { get; } = column;
}

/// <summary>
/// Recursive-descent parser for the Go expression subset Traefik accepts in rules:
/// <c>||</c> binds looser than <c>&amp;&amp;</c>, <c>!</c> applies to a matcher or a parenthesised group,
/// and arguments are Go string literals (backtick raw strings or double-quoted strings with escapes).
/// </summary>
internal sealed class RuleParser
{
    private readonly string _text;
    private int _pos;

    private RuleParser(string text) => _text = text;

    /// <summary>Parses <paramref name="rule"/>; throws <see cref="RuleSyntaxException"/> with a 1-based column.</summary>
    public static RuleNode Parse(string rule)
    {
        var parser = new RuleParser(rule);
        parser.SkipSpace();
        if (parser.AtEnd)
        {
            throw new RuleSyntaxException("empty rule", 1);
        }

        var node = parser.ParseOr();
        parser.SkipSpace();
        if (!parser.AtEnd)
        {
            throw parser.Unexpected();
        }

        return node;
    }

    private bool AtEnd => _pos >= _text.Length;

    private int Column => _pos + 1;

    private RuleNode ParseOr()
    {
        var left = ParseAnd();
        while (TryConsume("||", out var column))
        {
            left = new OrNode(left, ParseAnd(), column);
        }

        return left;
    }

    private RuleNode ParseAnd()
    {
        var left = ParseUnary();
        while (TryConsume("&&", out var column))
        {
            left = new AndNode(left, ParseUnary(), column);
        }

        return left;
    }

    private RuleNode ParseUnary()
    {
        SkipSpace();
        if (AtEnd)
        {
            throw Unexpected();
        }

        var column = Column;
        var c = _text[_pos];
        if (c == '!')
        {
            _pos++;
            return new NotNode(ParseUnary(), column);
        }

        if (c == '(')
        {
            _pos++;
            var inner = ParseOr();
            Expect(')');
            return inner;
        }

        if (IsIdentifierStart(c))
        {
            return ParseMatcher();
        }

        throw Unexpected();
    }

    private MatcherCall ParseMatcher()
    {
        var column = Column;
        var start = _pos;
        while (!AtEnd && IsIdentifierPart(_text[_pos]))
        {
            _pos++;
        }

        var name = _text[start.._pos];
        SkipSpace();
        if (AtEnd || _text[_pos] != '(')
        {
            if (AtEnd)
            {
                throw Unexpected();
            }

            throw new RuleSyntaxException($"expected \"(\" after matcher name \"{name}\", found {Describe(_text[_pos])}", Column);
        }

        _pos++;
        var args = new List<string>();
        SkipSpace();
        if (!AtEnd && _text[_pos] == ')')
        {
            _pos++;
            return new MatcherCall(name, args, column);
        }

        while (true)
        {
            SkipSpace();
            args.Add(ParseString());
            SkipSpace();
            if (AtEnd)
            {
                throw Unexpected();
            }

            var c = _text[_pos++];
            if (c == ')')
            {
                return new MatcherCall(name, args, column);
            }

            if (c != ',')
            {
                _pos--;
                throw new RuleSyntaxException($"expected \",\" or \")\" in the arguments of \"{name}\", found {Describe(c)}", Column);
            }

            // Go allows a trailing comma before the closing parenthesis.
            SkipSpace();
            if (!AtEnd && _text[_pos] == ')')
            {
                _pos++;
                return new MatcherCall(name, args, column);
            }
        }
    }

    private string ParseString()
    {
        if (AtEnd)
        {
            throw Unexpected();
        }

        var column = Column;
        var quote = _text[_pos];
        switch (quote)
        {
            case '`':
                var end = _text.IndexOf('`', _pos + 1);
                if (end < 0)
                {
                    throw new RuleSyntaxException("unterminated raw string (missing closing backtick)", column);
                }

                // Go drops carriage returns from raw strings.
                var raw = _text[(_pos + 1)..end].Replace("\r", string.Empty, StringComparison.Ordinal);
                _pos = end + 1;
                return raw;
            case '"':
                return ParseQuoted(column);
            case '\'':
                throw new RuleSyntaxException("single quotes are not allowed, use backticks (`...`) or double quotes (\"...\")", column);
            default:
                throw new RuleSyntaxException($"expected a string argument (`...` or \"...\"), found {Describe(quote)}", column);
        }
    }

    private string ParseQuoted(int column)
    {
        _pos++;
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (AtEnd || _text[_pos] == '\n')
            {
                throw new RuleSyntaxException("unterminated double-quoted string", column);
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return Encoding.UTF8.GetString(bytes.ToArray());
            }

            if (c != '\\')
            {
                var rune = Rune.GetRuneAt(_text, _pos);
                var n = rune.EncodeToUtf8(utf8);
                for (var i = 0; i < n; i++)
                {
                    bytes.Add(utf8[i]);
                }

                _pos += rune.Utf16SequenceLength;
                continue;
            }

            GoEscapes.ReadEscape(_text, ref _pos, bytes);
        }
    }

    private bool TryConsume(string op, out int column)
    {
        SkipSpace();
        column = Column;
        if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) == 0)
        {
            _pos += op.Length;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (AtEnd || _text[_pos] != c)
        {
            throw AtEnd ? Unexpected() : new RuleSyntaxException($"expected \"{c}\", found {Describe(_text[_pos])}", Column);
        }

        _pos++;
    }

    private RuleSyntaxException Unexpected() =>
        AtEnd
            ? new RuleSyntaxException("unexpected end of rule", Column)
            : new RuleSyntaxException($"unexpected {Describe(_text[_pos])}", Column);

    private static string Describe(char c) => c == '\'' ? "single quote (use backticks or double quotes)" : $"character '{c}'";

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';
}

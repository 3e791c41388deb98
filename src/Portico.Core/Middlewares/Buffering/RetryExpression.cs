using System.Globalization;

namespace Portico.Middlewares.Buffering;

/// <summary>What a retry expression can look at after an attempt.</summary>
internal readonly record struct RetryState(int Attempts, int ResponseCode);

/// <summary>
/// oxy's retry predicate language as Traefik's <c>buffering.retryExpression</c> takes it: <c>IsNetworkError()</c> (the
/// attempt ended in 502 or 504, which is how a failed forward shows), <c>Attempts()</c>, <c>ResponseCode()</c>, integer
/// literals, comparisons (<c>== != &lt; &lt;= &gt; &gt;=</c>), <c>!</c>, <c>&amp;&amp;</c>, <c>||</c> and parentheses.
/// It is compiled once into delegates; evaluating it allocates nothing.
/// </summary>
internal static class RetryExpression
{
    public static Func<RetryState, bool>? TryParse(string text, out string? error)
    {
        var parser = new Parser(text);
        try
        {
            var result = parser.ParseOr();
            parser.SkipSpaces();
            if (!parser.AtEnd)
            {
                throw new FormatException($"unexpected \"{parser.Rest}\"");
            }

            if (result.Bool is null)
            {
                throw new FormatException("the expression must be true or false, not a number");
            }

            error = null;
            return result.Bool;
        }
        catch (FormatException ex)
        {
            error = $"invalid retry expression \"{text}\": {ex.Message}";
            return null;
        }
    }

    /// <summary>A parsed operand: a predicate or an integer, never both.</summary>
    private readonly record struct Node(Func<RetryState, bool>? Bool, Func<RetryState, int>? Int);

    private sealed class Parser(string text)
    {
        private static readonly string[] Operators = ["==", "!=", "<=", ">=", "<", ">"];

        private int _position;

        public bool AtEnd => _position >= text.Length;

        public string Rest => text[_position..];

        public void SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (Accept("||"))
            {
                var (a, b) = (RequireBool(left), RequireBool(ParseAnd()));
                left = new Node(s => a(s) || b(s), null);
            }

            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseComparison();
            while (Accept("&&"))
            {
                var (a, b) = (RequireBool(left), RequireBool(ParseComparison()));
                left = new Node(s => a(s) && b(s), null);
            }

            return left;
        }

        private Node ParseComparison()
        {
            var left = ParseUnary();
            // Two-character operators first, so "<" never takes the start of "<=".
            foreach (var op in Operators)
            {
                if (!Accept(op))
                {
                    continue;
                }

                var (a, b) = (RequireInt(left), RequireInt(ParseUnary()));
                Func<RetryState, bool> compare = op switch
                {
                    "==" => s => a(s) == b(s),
                    "!=" => s => a(s) != b(s),
                    "<=" => s => a(s) <= b(s),
                    ">=" => s => a(s) >= b(s),
                    "<" => s => a(s) < b(s),
                    _ => s => a(s) > b(s),
                };
                return new Node(compare, null);
            }

            return left;
        }

        private Node ParseUnary()
        {
            SkipSpaces();
            if (Accept("!"))
            {
                var inner = RequireBool(ParseUnary());
                return new Node(s => !inner(s), null);
            }

            if (Accept("("))
            {
                var inner = ParseOr();
                Expect(")");
                return inner;
            }

            var start = _position;
            while (!AtEnd && char.IsAsciiDigit(text[_position]))
            {
                _position++;
            }

            if (_position > start)
            {
                var value = int.Parse(text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture);
                return new Node(null, _ => value);
            }

            while (!AtEnd && char.IsAsciiLetter(text[_position]))
            {
                _position++;
            }

            var name = text[start.._position];
            Expect("(");
            Expect(")");
            return name switch
            {
                "IsNetworkError" => new Node(s => s.ResponseCode is 502 or 504, null),
                "Attempts" => new Node(null, s => s.Attempts),
                "ResponseCode" => new Node(null, s => s.ResponseCode),
                _ => throw new FormatException(name.Length == 0 ? $"unexpected \"{Rest}\"" : $"unknown function {name}() (known: IsNetworkError, Attempts, ResponseCode)"),
            };
        }

        private static Func<RetryState, bool> RequireBool(Node node) => node.Bool ?? throw new FormatException("a number is used where true or false is expected");

        private static Func<RetryState, int> RequireInt(Node node) => node.Int ?? throw new FormatException("true or false is compared as a number");

        private bool Accept(string token)
        {
            SkipSpaces();
            if (string.CompareOrdinal(text, _position, token, 0, token.Length) != 0)
            {
                return false;
            }

            _position += token.Length;
            return true;
        }

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw new FormatException(AtEnd ? $"expected \"{token}\" at the end" : $"expected \"{token}\" before \"{Rest}\"");
            }
        }
    }
}

using System.Globalization;

namespace Portico.Middlewares.CircuitBreaker;

/// <summary>A parsed expression with what its metrics need: the status ranges it counts and whether it reads latency.</summary>
internal sealed record ParsedBreakerExpression(BreakerCondition Condition, IReadOnlyList<(int From, int To)> Ranges, bool UsesLatency);

/// <summary>
/// Parses Traefik's circuit breaker expressions (oxy's predicate language, a subset of Go expressions):
/// <code>
/// or         = and { "||" and }
/// and        = primary { "&amp;&amp;" primary }
/// primary    = "(" or ")" | comparison
/// comparison = call ( "&gt;" | "&gt;=" | "&lt;" | "&lt;=" | "==" | "!=" ) number
/// call       = NetworkErrorRatio "(" ")" | ResponseCodeRatio "(" int "," int "," int "," int ")" | LatencyAtQuantileMS "(" number ")"
/// </code>
/// Errors name the 1-based column where the problem is.
/// </summary>
internal sealed class BreakerExpressionParser
{
    private readonly string _text;
    private readonly List<(int From, int To)> _ranges = [];
    private int _pos;
    private bool _usesLatency;

    private BreakerExpressionParser(string text) => _text = text;

    public static ParsedBreakerExpression Parse(string text)
    {
        var parser = new BreakerExpressionParser(text);
        var condition = parser.ParseOr();
        parser.SkipSpaces();
        if (parser._pos < text.Length)
        {
            throw parser.Fail($"unexpected \"{text[parser._pos..]}\" after a complete expression");
        }

        return new ParsedBreakerExpression(condition, parser._ranges, parser._usesLatency);
    }

    private BreakerCondition ParseOr()
    {
        var terms = new List<BreakerCondition> { ParseAnd() };
        while (Accept("||"))
        {
            terms.Add(ParseAnd());
        }

        return terms.Count == 1 ? terms[0] : new OrCondition([.. terms]);
    }

    private BreakerCondition ParseAnd()
    {
        var terms = new List<BreakerCondition> { ParsePrimary() };
        while (Accept("&&"))
        {
            terms.Add(ParsePrimary());
        }

        return terms.Count == 1 ? terms[0] : new AndCondition([.. terms]);
    }

    private BreakerCondition ParsePrimary()
    {
        if (Accept("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        var metric = ParseCall();
        SkipSpaces();
        var op = ParseOperator() ?? throw Fail("expected a comparison (>, >=, <, <=, == or !=) after the function");
        var value = ParseNumber("a number to compare with");
        return new Comparison(metric, op, value);
    }

    private BreakerMetric ParseCall()
    {
        SkipSpaces();
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        if (start == _pos)
        {
            throw Fail(_pos < _text.Length ? $"expected a function such as NetworkErrorRatio(), found \"{_text[_pos]}\"" : "expected a function such as NetworkErrorRatio(), found the end");
        }

        var name = _text[start.._pos];
        var nameColumn = start + 1;
        Expect("(");
        var args = new List<(double Value, int Column)>();
        if (!Accept(")"))
        {
            do
            {
                SkipSpaces();
                var column = _pos + 1;
                args.Add((ParseNumber("a number argument"), column));
            }
            while (Accept(","));
            Expect(")");
        }

        switch (name)
        {
            case "NetworkErrorRatio":
                RequireArguments(name, args.Count, 0, nameColumn);
                return new NetworkErrorRatioMetric();
            case "ResponseCodeRatio":
                RequireArguments(name, args.Count, 4, nameColumn);
                var codes = new int[4];
                for (var i = 0; i < 4; i++)
                {
                    var (value, column) = args[i];
                    if (value != Math.Floor(value) || value is < 0 or > 1000)
                    {
                        throw new FormatException($"column {column}: ResponseCodeRatio takes whole status codes, got {value.ToString(CultureInfo.InvariantCulture)}");
                    }

                    codes[i] = (int)value;
                }

                return new ResponseCodeRatioMetric(RangeIndex(codes[0], codes[1]), RangeIndex(codes[2], codes[3]));
            case "LatencyAtQuantileMS":
                RequireArguments(name, args.Count, 1, nameColumn);
                if (args[0].Value is < 0 or > 100)
                {
                    throw new FormatException($"column {args[0].Column}: LatencyAtQuantileMS takes a percentile between 0 and 100 (50.0 is the median)");
                }

                _usesLatency = true;
                return new LatencyAtQuantileMetric(args[0].Value);
            default:
                throw new FormatException($"column {nameColumn}: unknown function \"{name}\" (known: NetworkErrorRatio, ResponseCodeRatio, LatencyAtQuantileMS)");
        }
    }

    private static void RequireArguments(string name, int count, int expected, int column)
    {
        if (count != expected)
        {
            throw new FormatException($"column {column}: {name} takes {expected} argument{(expected == 1 ? string.Empty : "s")}, got {count}");
        }
    }

    private int RangeIndex(int from, int to)
    {
        var index = _ranges.IndexOf((from, to));
        if (index < 0)
        {
            _ranges.Add((from, to));
            index = _ranges.Count - 1;
        }

        return index;
    }

    private CompareOperator? ParseOperator()
    {
        if (Accept(">="))
        {
            return CompareOperator.GreaterOrEqual;
        }

        if (Accept("<="))
        {
            return CompareOperator.LessOrEqual;
        }

        if (Accept("=="))
        {
            return CompareOperator.Equal;
        }

        if (Accept("!="))
        {
            return CompareOperator.NotEqual;
        }

        if (Accept(">"))
        {
            return CompareOperator.Greater;
        }

        return Accept("<") ? CompareOperator.Less : null;
    }

    private double ParseNumber(string what)
    {
        SkipSpaces();
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '.' or 'e' or 'E' ||
            (_text[_pos] is '+' or '-' && _pos > start && _text[_pos - 1] is 'e' or 'E')))
        {
            _pos++;
        }

        if (start == _pos || !double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            _pos = start;
            throw Fail($"expected {what}");
        }

        return value;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw Fail($"expected \"{token}\"");
        }
    }

    private bool Accept(string token)
    {
        SkipSpaces();
        if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) != 0)
        {
            return false;
        }

        _pos += token.Length;
        return true;
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private FormatException Fail(string message)
    {
        SkipSpaces();
        return new FormatException($"column {_pos + 1}: {message}");
    }
}

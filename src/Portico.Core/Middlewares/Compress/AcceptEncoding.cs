using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Portico.Middlewares.Compress;

/// <summary>
/// Picks the response encoding from <c>Accept-Encoding</c> (RFC 9110 §12.5.3). The highest q-value wins and ties go to
/// the server's order (<c>encodings</c>); <c>q=0</c> refuses an encoding; <c>*</c> stands for every encoding not named
/// and, when it is what decides, picks <c>defaultEncoding</c> (else <c>br</c>, else the first encoding) as Traefik does.
/// No header at all means <c>defaultEncoding</c> or nothing; an empty header means identity.
/// </summary>
internal sealed class AcceptEncoding
{
    /// <summary>The result when the response must not be compressed.</summary>
    public const int Identity = -1;

    private readonly string[] _encodings;
    private readonly int _default;
    private readonly int _wildcardDefault;

    public AcceptEncoding(string[] encodings, string? defaultEncoding)
    {
        _encodings = encodings;
        _default = defaultEncoding is null ? Identity : Array.IndexOf(encodings, defaultEncoding);
        var brotli = Array.IndexOf(encodings, "br");
        _wildcardDefault = _default != Identity ? _default : brotli >= 0 ? brotli : 0;
    }

    /// <summary>Returns the index in <c>encodings</c> to use, or <see cref="Identity"/>.</summary>
    public int Choose(StringValues header, bool present)
    {
        if (!present)
        {
            return _default;
        }

        // 1. Collect the q-value given to each offered encoding (-1: not named) and to the wildcard.
        Span<double> weights = stackalloc double[_encodings.Length];
        weights.Fill(-1);
        var wildcard = -1d;
        foreach (var line in header)
        {
            var rest = (line ?? string.Empty).AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var item = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? [] : rest[(comma + 1)..];
                if (!TryParseItem(item, out var name, out var weight))
                {
                    continue;
                }

                if (name is "*")
                {
                    wildcard = weight;
                    continue;
                }

                for (var i = 0; i < _encodings.Length; i++)
                {
                    if (name.Equals(_encodings[i], StringComparison.OrdinalIgnoreCase))
                    {
                        weights[i] = Math.Max(weights[i], weight);
                    }
                }
            }
        }

        // 2. The best weight wins; the server's order breaks ties because it is walked first to last.
        var best = Identity;
        var bestWeight = 0d;
        var named = false;
        for (var i = 0; i < _encodings.Length; i++)
        {
            var weight = weights[i] >= 0 ? weights[i] : Math.Max(wildcard, 0);
            if (weight > bestWeight)
            {
                best = i;
                bestWeight = weight;
                named = weights[i] >= 0;
            }
        }

        // 3. A choice made by the wildcard alone goes to the default, unless the client ranked that one lower.
        if (best != Identity && !named)
        {
            var fallback = weights[_wildcardDefault] >= 0 ? weights[_wildcardDefault] : wildcard;
            if (fallback >= bestWeight)
            {
                return _wildcardDefault;
            }
        }

        return best;
    }

    private static bool TryParseItem(ReadOnlySpan<char> item, out ReadOnlySpan<char> name, out double weight)
    {
        weight = 1;
        var semicolon = item.IndexOf(';');
        name = (semicolon < 0 ? item : item[..semicolon]).Trim();
        if (name.IsEmpty)
        {
            return false;
        }

        var parameters = semicolon < 0 ? [] : item[(semicolon + 1)..];
        while (!parameters.IsEmpty)
        {
            var next = parameters.IndexOf(';');
            var parameter = (next < 0 ? parameters : parameters[..next]).Trim();
            parameters = next < 0 ? [] : parameters[(next + 1)..];
            if (parameter.Length > 2 && (parameter[0] is 'q' or 'Q') && parameter[1] == '=')
            {
                // A malformed weight makes the whole item invalid; RFC 9110 lets a recipient ignore it.
                if (!double.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out weight) || weight > 1)
                {
                    return false;
                }
            }
        }

        return true;
    }
}

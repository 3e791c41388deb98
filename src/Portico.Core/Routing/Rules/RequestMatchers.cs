using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Portico.Routing.Rules;

/// <summary>Exact, upper-cased method; like Traefik there is no implicit HEAD for GET.</summary>
internal sealed class MethodMatcher(string method) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request) => string.Equals(request.Method, method, StringComparison.Ordinal);
}

/// <summary>
/// <c>Header(name, value)</c>: one of the header's values equals <paramref name="value"/> (case-sensitive), or
/// matches the regex for <c>HeaderRegexp</c>. Go moves <c>Host</c> out of the header map, so a
/// <c>Host</c> header matcher never matches in Traefik; we keep that.
/// </summary>
internal sealed class HeaderMatcher(string name, string? value, Regex? regex) : RuleMatcher
{
    private readonly bool _isHost = string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase);

    public override bool Matches(in RoutingRequest request)
    {
        if (_isHost || !request.Headers.TryGetValue(name, out var values))
        {
            return false;
        }

        return Any(values, value, regex);
    }

    internal static bool Any(StringValues values, string? value, Regex? regex)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i] ?? string.Empty;
            if (regex is not null ? regex.IsMatch(v) : string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// <c>Query(key[, value])</c> / <c>QueryRegexp(key, regex)</c> on the decoded query, key case-sensitive as in Go.
/// <c>Query(`k`)</c> looks for the value "" (<c>?k</c> or <c>?k=</c>); with several values any may match.
/// A null <paramref name="value"/> and regex means "key present with any value" (v2 <c>k=</c>).
/// </summary>
internal sealed class QueryMatcher(string key, string? value, Regex? regex) : RuleMatcher
{
    public override bool Matches(in RoutingRequest request)
    {
        var scanner = new QueryScanner(request.RawQuery);
        while (scanner.Next(out var k, out var v))
        {
            if (!k.Equals(key, StringComparison.Ordinal))
            {
                continue;
            }

            if (regex is not null ? regex.IsMatch(v) : value is null || v.Equals(value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Iterates the pairs of a raw query string like Go's <c>url.ParseQuery</c>: '&amp;' separated, pairs with ';' dropped.</summary>
internal ref struct QueryScanner(string raw)
{
    private int _pos;

    public bool Next(out ReadOnlySpan<char> key, out ReadOnlySpan<char> value)
    {
        while (_pos < raw.Length)
        {
            var rest = raw.AsSpan(_pos);
            var amp = rest.IndexOf('&');
            var pair = amp < 0 ? rest : rest[..amp];
            _pos += amp < 0 ? rest.Length : amp + 1;
            if (pair.Length == 0 || pair.IndexOf(';') >= 0)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var rawKey = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? ReadOnlySpan<char>.Empty : pair[(eq + 1)..];
            if (Decode(rawKey, out key) && Decode(rawValue, out value))
            {
                return true;
            }
        }

        key = default;
        value = default;
        return false;
    }

    // Decoding allocates only when the part contains escapes or '+'; pairs with invalid escapes are skipped like Go.
    private static bool Decode(ReadOnlySpan<char> part, out ReadOnlySpan<char> decoded)
    {
        if (part.IndexOfAny('%', '+') < 0)
        {
            decoded = part;
            return true;
        }

        var text = part.ToString().Replace('+', ' ');
        for (var i = text.IndexOf('%'); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
            {
                decoded = default;
                return false;
            }
        }

        decoded = Uri.UnescapeDataString(text);
        return true;
    }
}

/// <summary><c>ClientIP</c>: the socket peer address is inside one network (a single IP is a /32 or /128).</summary>
internal sealed class ClientIPMatcher(IpNetwork network) : RuleMatcher
{
    public IpNetwork Network { get; } = network;

    public override bool Matches(in RoutingRequest request) => request.ClientIP is { } ip && Network.Contains(ip);
}

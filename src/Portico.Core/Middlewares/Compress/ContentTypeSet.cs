using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Portico.Middlewares.Compress;

/// <summary>
/// Media types compared as Traefik compares them (<c>mime.ParseMediaType</c>): the type ignoring case, and the parameters
/// only when the configured entry has some, in which case they must all be equal.
/// </summary>
internal sealed class ContentTypeSet
{
    private readonly (string MediaType, (string Name, string Value)[] Parameters)[] _entries;

    private ContentTypeSet((string, (string, string)[])[] entries) => _entries = entries;

    public int Count => _entries.Length;

    public static ContentTypeSet? TryParse(IEnumerable<string> values, out string? invalid)
    {
        var entries = new List<(string, (string, string)[])>();
        foreach (var value in values)
        {
            if (!MediaTypeHeaderValue.TryParse(value, out var parsed) || !parsed.MediaType.HasValue)
            {
                invalid = value;
                return null;
            }

            var parameters = parsed.Parameters
                .Select(p => (p.Name.Value!.ToLowerInvariant(), HeaderUtilities.RemoveQuotes(p.Value).Value ?? string.Empty))
                .ToArray();
            entries.Add((parsed.MediaType.Value.ToLowerInvariant(), parameters));
        }

        invalid = null;
        return new ContentTypeSet([.. entries]);
    }

    /// <summary>Whether the plain media type (no parameters) of a request is listed.</summary>
    public bool ContainsMediaType(StringSegment mediaType)
    {
        foreach (var (type, _) in _entries)
        {
            if (mediaType.Equals(type, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool Matches(MediaTypeHeaderValue contentType)
    {
        foreach (var (type, parameters) in _entries)
        {
            if (!contentType.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (parameters.Length == 0)
            {
                return true;
            }

            if (parameters.Length == contentType.Parameters.Count && AllPresent(parameters, contentType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AllPresent((string Name, string Value)[] expected, MediaTypeHeaderValue contentType)
    {
        foreach (var (name, value) in expected)
        {
            var found = false;
            foreach (var parameter in contentType.Parameters)
            {
                if (parameter.Name.Equals(name, StringComparison.OrdinalIgnoreCase) &&
                    HeaderUtilities.RemoveQuotes(parameter.Value).Equals(value, StringComparison.Ordinal))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}

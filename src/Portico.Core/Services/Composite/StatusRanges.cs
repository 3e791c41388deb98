using System.Globalization;

namespace Portico.Services.Composite;

/// <summary>Status codes and ranges such as <c>500</c> or <c>500-504</c> (failover <c>errors.status</c>).</summary>
internal sealed class StatusRanges
{
    private readonly (int From, int To)[] _ranges;

    private StatusRanges((int From, int To)[] ranges) => _ranges = ranges;

    public bool Contains(int status)
    {
        foreach (var (from, to) in _ranges)
        {
            if (status >= from && status <= to)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses every entry; returns null with the first error when one is malformed.</summary>
    public static StatusRanges? TryParse(IReadOnlyList<string> entries, out string? error)
    {
        var ranges = new (int, int)[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var text = entries[i].Trim();
            var dash = text.Length > 1 ? text.IndexOf('-', 1) : -1;
            var fromText = dash < 0 ? text : text[..dash];
            var toText = dash < 0 ? text : text[(dash + 1)..];
            if (!int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from) ||
                !int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to) ||
                from < 100 || to > 599 || from > to)
            {
                error = $"invalid status code range \"{entries[i]}\" (expected a code or a range such as 500-504)";
                return null;
            }

            ranges[i] = (from, to);
        }

        error = null;
        return new StatusRanges(ranges);
    }
}

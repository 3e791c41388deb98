namespace Portico.Configuration.Parsing;

/// <summary>Where a configuration value came from: a file and a 1-based line and column, or a flag or variable name.</summary>
public readonly record struct SourceLocation(string Source, int Line, int Column)
{
    public static readonly SourceLocation None = new(string.Empty, 0, 0);

    /// <summary>Whether this names a place at all (<c>default</c> does not).</summary>
    public bool IsKnown => !string.IsNullOrEmpty(Source);

    public override string ToString() => Line > 0 ? $"{Source}:{Line}:{Column}" : Source ?? string.Empty;
}

public enum ConfigNodeKind
{
    Scalar,
    Mapping,
    Sequence,
}

/// <summary>
/// A format-neutral configuration tree (YAML, TOML, flags, environment variables and key-value stores all
/// produce one) that keeps the source location of every node, so binding errors can name the file and line.
/// Mapping keys keep their original spelling; lookups are case-insensitive as in Traefik.
/// </summary>
public sealed class ConfigNode
{
    private ConfigNode(ConfigNodeKind kind, SourceLocation location, string? value, IReadOnlyList<KeyValuePair<string, ConfigNode>>? entries, IReadOnlyList<ConfigNode>? items)
    {
        Kind = kind;
        Location = location;
        Value = value;
        Entries = entries ?? [];
        Items = items ?? [];
    }

    public ConfigNodeKind Kind { get; }

    public SourceLocation Location { get; }

    /// <summary>The scalar text; null for an explicit YAML null (<c>~</c>, <c>null</c> or an empty value).</summary>
    public string? Value { get; }

    /// <summary>Mapping entries in document order.</summary>
    public IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries { get; }

    /// <summary>Sequence items in document order.</summary>
    public IReadOnlyList<ConfigNode> Items { get; }

    public static ConfigNode Scalar(string? value, SourceLocation location) => new(ConfigNodeKind.Scalar, location, value, null, null);

    public static ConfigNode Mapping(IReadOnlyList<KeyValuePair<string, ConfigNode>> entries, SourceLocation location) => new(ConfigNodeKind.Mapping, location, null, entries, null);

    public static ConfigNode Sequence(IReadOnlyList<ConfigNode> items, SourceLocation location) => new(ConfigNodeKind.Sequence, location, null, null, items);

    /// <summary>Finds a mapping entry by key, ignoring case.</summary>
    public ConfigNode? Get(string key)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value;
            }
        }

        return null;
    }

    public override string ToString() => Kind switch
    {
        ConfigNodeKind.Scalar => Value ?? "null",
        ConfigNodeKind.Mapping => "{" + string.Join(", ", Entries.Select(e => e.Key + ": " + e.Value)) + "}",
        _ => "[" + string.Join(", ", Items) + "]",
    };
}

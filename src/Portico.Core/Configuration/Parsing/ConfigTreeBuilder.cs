using System.Globalization;

namespace Portico.Configuration.Parsing;

/// <summary>One step of a flag or variable path: a mapping key, or a list index when <see cref="Key"/> is null.</summary>
internal readonly record struct PathSegment(string? Key, int Index)
{
    public static PathSegment OfKey(string key) => new(key, -1);

    public static PathSegment OfIndex(int index) => new(null, index);

    public override string ToString() => Key ?? $"[{Index}]";
}

/// <summary>
/// Builds a <see cref="ConfigNode"/> tree from path/value pairs (flags, environment variables, key-value stores).
/// Keys match ignoring case and keep the first spelling. A value "true" on a section that also has children only
/// says the section is present (<c>--providers.docker --providers.docker.exposedByDefault=false</c>).
/// </summary>
internal sealed class ConfigTreeBuilder
{
    private readonly Slot _root = new(SourceLocation.None) { Entries = [] };

    /// <summary>Sets one value; a later value for the same path replaces an earlier one, as with repeated flags.</summary>
    public void Set(IReadOnlyList<PathSegment> path, string value, SourceLocation location, List<ConfigError> errors)
    {
        var slot = _root;
        for (var i = 0; i < path.Count; i++)
        {
            var segment = path[i];
            if (!slot.Prepare(segment.Key is not null))
            {
                errors.Add(new ConfigError(Describe(path, i), $"conflicts with the value \"{slot.Scalar}\" given for it elsewhere", location));
                return;
            }

            slot = slot.Child(segment, location);
        }

        if (slot.Entries is not null || slot.Items is not null)
        {
            if (!IsTrue(value))
            {
                errors.Add(new ConfigError(Describe(path, path.Count), $"a section cannot also take the value \"{value}\"", location));
            }

            return;
        }

        slot.Scalar = value;
        slot.HasScalar = true;
        slot.Location = location;
    }

    public ConfigNode Build(List<ConfigError> errors) => _root.Build(string.Empty, errors);

    private static string Describe(IReadOnlyList<PathSegment> path, int count)
    {
        var text = string.Empty;
        for (var i = 0; i < count && i < path.Count; i++)
        {
            text = path[i].Key is { } key ? ConfigBinder.Join(text, key) : text + path[i];
        }

        return text;
    }

    private static bool IsTrue(string value) => ConfigBinder.TryParseBool(value.Trim(), out var b) && b;

    private sealed class Slot(SourceLocation location)
    {
        public SourceLocation Location { get; set; } = location;

        public string? Scalar { get; set; }

        public bool HasScalar { get; set; }

        public List<KeyValuePair<string, Slot>>? Entries { get; set; }

        public SortedDictionary<int, Slot>? Items { get; set; }

        /// <summary>Makes this slot a mapping or a list; false when it already holds a conflicting kind or value.</summary>
        public bool Prepare(bool mapping)
        {
            if (HasScalar)
            {
                if (!IsTrue(Scalar ?? string.Empty))
                {
                    return false;
                }

                HasScalar = false;
                Scalar = null;
            }

            if (mapping)
            {
                if (Items is not null)
                {
                    return false;
                }

                Entries ??= [];
                return true;
            }

            if (Entries is not null)
            {
                return false;
            }

            Items ??= [];
            return true;
        }

        public Slot Child(PathSegment segment, SourceLocation location)
        {
            if (segment.Key is { } key)
            {
                foreach (var entry in Entries!)
                {
                    if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
                    {
                        return entry.Value;
                    }
                }

                var created = new Slot(location);
                Entries!.Add(new(key, created));
                return created;
            }

            if (!Items!.TryGetValue(segment.Index, out var item))
            {
                item = new Slot(location);
                Items.Add(segment.Index, item);
            }

            return item;
        }

        public ConfigNode Build(string path, List<ConfigError> errors)
        {
            if (Entries is not null)
            {
                var entries = new List<KeyValuePair<string, ConfigNode>>(Entries.Count);
                foreach (var (key, child) in Entries)
                {
                    entries.Add(new(key, child.Build(ConfigBinder.Join(path, key), errors)));
                }

                return ConfigNode.Mapping(entries, Location);
            }

            if (Items is not null)
            {
                var items = new List<ConfigNode>(Items.Count);
                var expected = 0;
                foreach (var (index, child) in Items)
                {
                    if (index != expected)
                    {
                        errors.Add(new ConfigError(path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]", $"list indexes must count up from 0 without gaps; index {expected} is missing", child.Location));
                    }

                    expected = index + 1;
                    items.Add(child.Build(path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]", errors));
                }

                return ConfigNode.Sequence(items, Location);
            }

            return ConfigNode.Scalar(Scalar, Location);
        }
    }
}

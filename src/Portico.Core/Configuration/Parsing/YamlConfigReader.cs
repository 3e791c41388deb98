using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portico.Configuration.Parsing;

/// <summary>
/// Reads YAML text into a <see cref="ConfigNode"/> tree that remembers the file, line and column of every node.
/// </summary>
internal static class YamlConfigReader
{
    // Aliases are expanded into copies, so a hostile file could make the tree explode ("billion laughs").
    private const int MaxNodes = 1_000_000;
    private const int MaxDepth = 128;

    /// <summary>
    /// Parses <paramref name="text"/>. Returns null (with one error added) when the text is not valid YAML;
    /// an empty document gives an empty mapping. Duplicate keys (ignoring case, as Traefik matches keys) are
    /// reported as errors and the later value is dropped.
    /// </summary>
    public static ConfigNode? Read(string text, string sourceName, List<ConfigError> errors)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is { } inner && ex.Message.Contains("See inner exception", StringComparison.Ordinal) ? inner.Message : ex.Message;
            errors.Add(new ConfigError("syntax", "invalid YAML: " + message, new SourceLocation(sourceName, (int)ex.Start.Line, (int)ex.Start.Column)));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner fails this way on some malformed flow collections; report where parsing stopped.
            var mark = parser.Current?.End;
            var location = mark is { } m ? new SourceLocation(sourceName, (int)m.Line, (int)m.Column) : new SourceLocation(sourceName, 0, 0);
            errors.Add(new ConfigError("syntax", "invalid YAML: malformed content after this point (unclosed [ or {?)", location));
            return null;
        }

        var start = new SourceLocation(sourceName, 1, 1);
        if (stream.Documents.Count == 0)
        {
            return ConfigNode.Mapping([], start);
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            errors.Add(new ConfigError(sourceName, "a configuration file holds one YAML document; the second and later documents are ignored", Location(sourceName, second), ConfigSeverity.Warning));
        }

        var converter = new Converter(sourceName, errors);
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode scalar && IsNull(scalar))
        {
            return ConfigNode.Mapping([], Location(sourceName, root));
        }

        return converter.Convert(root, Location(sourceName, root), 0);
    }

    private static SourceLocation Location(string source, YamlNode node) => new(source, (int)node.Start.Line, (int)node.Start.Column);

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private sealed class Converter(string source, List<ConfigError> errors)
    {
        private int _count;
        private bool _tooLarge;

        /// <summary>Converts one node; <paramref name="location"/> is where it was written (the key's place for block collections).</summary>
        public ConfigNode Convert(YamlNode node, SourceLocation location, int depth)
        {
            if (++_count > MaxNodes || depth > MaxDepth)
            {
                if (!_tooLarge)
                {
                    _tooLarge = true;
                    errors.Add(new ConfigError(source, "the document is too large or too deeply nested once aliases are expanded", location));
                }

                return ConfigNode.Scalar(null, location);
            }

            switch (node)
            {
                case YamlScalarNode scalar:
                    return ConfigNode.Scalar(IsNull(scalar) ? null : scalar.Value, location);
                case YamlSequenceNode sequence:
                    var items = new List<ConfigNode>(sequence.Children.Count);
                    foreach (var child in sequence.Children)
                    {
                        items.Add(Convert(child, Location(source, child), depth + 1));
                    }

                    return ConfigNode.Sequence(items, location);
                case YamlMappingNode mapping:
                    return ConvertMapping(mapping, location, depth);
                default:
                    // Aliases are resolved by YamlStream; anything else is unexpected but harmless.
                    return ConfigNode.Scalar(null, location);
            }
        }

        private ConfigNode ConvertMapping(YamlMappingNode mapping, SourceLocation location, int depth)
        {
            var entries = new List<KeyValuePair<string, ConfigNode>>(mapping.Children.Count);
            var seen = new Dictionary<string, SourceLocation>(StringComparer.OrdinalIgnoreCase);
            List<YamlMappingNode>? merges = null;
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                var keyLocation = Location(source, keyNode);
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    errors.Add(new ConfigError(source, "mapping keys must be plain strings", keyLocation));
                    continue;
                }

                if (key == "<<" && keyNode is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any })
                {
                    merges ??= [];
                    CollectMerge(valueNode, merges, keyLocation);
                    continue;
                }

                if (seen.TryGetValue(key, out var first))
                {
                    errors.Add(new ConfigError(key, $"duplicate key \"{key}\" (first defined at line {first.Line})", keyLocation));
                    continue;
                }

                seen.Add(key, keyLocation);

                // Block collections report the key's line: that is where a reader looks for "web:" or "my-router:".
                var valueLocation = valueNode is YamlScalarNode ? Location(source, valueNode) : keyLocation;
                entries.Add(new(key, Convert(valueNode, valueLocation, depth + 1)));
            }

            if (merges is not null)
            {
                // YAML merge keys: explicit keys win, then earlier merged mappings win over later ones.
                foreach (var merged in merges)
                {
                    foreach (var (keyNode, valueNode) in merged.Children)
                    {
                        if (keyNode is YamlScalarNode { Value: { } key } && key != "<<" && seen.TryAdd(key, Location(source, keyNode)))
                        {
                            var valueLocation = valueNode is YamlScalarNode ? Location(source, valueNode) : Location(source, keyNode);
                            entries.Add(new(key, Convert(valueNode, valueLocation, depth + 1)));
                        }
                    }
                }
            }

            return ConfigNode.Mapping(entries, location);
        }

        private void CollectMerge(YamlNode value, List<YamlMappingNode> merges, SourceLocation keyLocation)
        {
            switch (value)
            {
                case YamlMappingNode mapping:
                    merges.Add(mapping);
                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children)
                    {
                        if (item is YamlMappingNode m)
                        {
                            merges.Add(m);
                        }
                        else
                        {
                            errors.Add(new ConfigError("<<", "a merge key takes a mapping or a list of mappings", Location(source, item)));
                        }
                    }

                    break;
                default:
                    errors.Add(new ConfigError("<<", "a merge key takes a mapping or a list of mappings", keyLocation));
                    break;
            }
        }
    }
}

using System.Collections;
using System.Globalization;

namespace Portico.Configuration.Parsing;

/// <summary>
/// Binds a <see cref="ConfigNode"/> tree onto the configuration records with Traefik's semantics: keys match
/// property names ignoring case, unset properties keep their defaults, a present but empty section
/// (<c>tls:</c> or <c>tls: {}</c>) is a default instance, and a scalar bound to a list is split on commas.
/// Binding never throws on bad input: every problem becomes a <see cref="ConfigError"/> naming the dotted key
/// path and where it was written, and binding goes on with the other keys.
/// </summary>
internal static class ConfigBinder
{
    public static T Bind<T>(ConfigNode? node, string path, List<ConfigError> errors)
        where T : new() => Bind(typeof(T), node, path, errors) is T value ? value : new T();

    public static object? Bind(Type type, ConfigNode? node, string path, List<ConfigError> errors)
    {
        var info = ConfigTypeInfo.Get(type);
        if (node is null)
        {
            return info.Kind == ConfigTypeKind.Record ? Activator.CreateInstance(info.Target) : DefaultOf(info);
        }

        var (ok, value) = BindValue(info, node, path, errors);
        return ok ? value : info.Kind == ConfigTypeKind.Record ? Activator.CreateInstance(info.Target) : DefaultOf(info);
    }

    private static object? DefaultOf(ConfigTypeInfo info) =>
        info.Kind switch
        {
            ConfigTypeKind.List => Activator.CreateInstance(info.ListType!),
            ConfigTypeKind.Dictionary => Activator.CreateInstance(info.DictionaryType!, StringComparer.Ordinal),
            _ => info.Type.IsValueType ? Activator.CreateInstance(info.Type) : null,
        };

    /// <summary>
    /// Binds one value. Returns ok = false when the property should keep its default: either the node is an
    /// explicit null, or an error was reported.
    /// </summary>
    private static (bool Ok, object? Value) BindValue(ConfigTypeInfo info, ConfigNode node, string path, List<ConfigError> errors)
    {
        var isNull = node.Kind == ConfigNodeKind.Scalar && node.Value is null;
        switch (info.Kind)
        {
            case ConfigTypeKind.Node:
                return BindRawNode(node);
            case ConfigTypeKind.Record:
                return BindRecord(info, node, path, errors);
            case ConfigTypeKind.List:
                return isNull ? (false, null) : BindList(info, node, path, errors);
            case ConfigTypeKind.Dictionary:
                return isNull ? (false, null) : BindDictionary(info, node, path, errors);
            case ConfigTypeKind.Location:
                return (true, node.Location);
        }

        if (isNull)
        {
            // An explicit null clears a nullable value and leaves any other value at its default.
            return info.IsNullableValue ? (true, null) : (false, null);
        }

        if (node.Kind != ConfigNodeKind.Scalar)
        {
            return Mismatch(info, node, path, errors);
        }

        var text = node.Value!;
        var trimmed = text.Trim();
        switch (info.Kind)
        {
            case ConfigTypeKind.String:
                return (true, text);
            case ConfigTypeKind.Bool:
                return TryParseBool(trimmed, out var b) ? (true, b) : Mismatch(info, node, path, errors);
            case ConfigTypeKind.Int:
                return int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? (true, i) : Mismatch(info, node, path, errors);
            case ConfigTypeKind.Long:
                return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? (true, l) : Mismatch(info, node, path, errors);
            case ConfigTypeKind.Double:
                return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? (true, d) : Mismatch(info, node, path, errors);
            case ConfigTypeKind.Duration:
                return GoDuration.TryParse(trimmed, out var t) ? (true, t) : Mismatch(info, node, path, errors);
            case ConfigTypeKind.Enum:
                return Enum.TryParse(info.Target, trimmed, ignoreCase: true, out var e) && !char.IsAsciiDigit(trimmed[0]) ? (true, e) : Mismatch(info, node, path, errors);
            default:
                return Mismatch(info, node, path, errors);
        }
    }

    /// <summary>
    /// Raw sections are kept as written, except that a flag or variable like <c>--providers.docker</c> (the scalar
    /// "true") or an empty YAML value means "present with defaults" and becomes an empty mapping, and "false" means absent.
    /// </summary>
    private static (bool, object?) BindRawNode(ConfigNode node)
    {
        if (node.Kind != ConfigNodeKind.Scalar)
        {
            return (true, node);
        }

        if (node.Value is null || IsTrue(node.Value))
        {
            return (true, ConfigNode.Mapping([], node.Location));
        }

        return IsFalse(node.Value) ? (true, null) : (true, node);
    }

    private static (bool, object?) BindRecord(ConfigTypeInfo info, ConfigNode node, string path, List<ConfigError> errors)
    {
        if (node.Kind == ConfigNodeKind.Scalar)
        {
            // "tls:" and "--api" / "--api=true" create the section with its defaults; "--api=false" leaves it unset.
            if (node.Value is null || IsTrue(node.Value.Trim()))
            {
                return (true, NewRecord(info, node));
            }

            if (IsFalse(node.Value.Trim()))
            {
                return (true, null);
            }

            return Mismatch(info, node, path, errors);
        }

        if (node.Kind != ConfigNodeKind.Mapping)
        {
            return Mismatch(info, node, path, errors);
        }

        var record = NewRecord(info, node);
        foreach (var (key, child) in node.Entries)
        {
            var childPath = Join(path, key);
            if (!info.Properties.TryGetValue(key, out var property))
            {
                var suggestion = info.Suggest(key);
                var message = $"unknown key \"{childPath}\"" + (suggestion is null ? string.Empty : $"; did you mean \"{suggestion}\"?");
                errors.Add(new ConfigError(childPath, message, child.Location));
                continue;
            }

            var (ok, value) = BindValue(ConfigTypeInfo.Get(property.PropertyType), child, childPath, errors);
            if (ok)
            {
                property.SetValue(record, value);
            }
        }

        return (true, record);
    }

    private static object NewRecord(ConfigTypeInfo info, ConfigNode node)
    {
        var record = Activator.CreateInstance(info.Target)!;
        info.LocationProperty?.SetValue(record, node.Location);
        return record;
    }

    private static (bool, object?) BindList(ConfigTypeInfo info, ConfigNode node, string path, List<ConfigError> errors)
    {
        var list = (IList)Activator.CreateInstance(info.ListType!)!;
        var elementInfo = ConfigTypeInfo.Get(info.Element!);
        if (node.Kind == ConfigNodeKind.Scalar)
        {
            // Flags and environment variables give lists as comma-separated values.
            var index = 0;
            foreach (var part in node.Value!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                AddItem(list, elementInfo, ConfigNode.Scalar(part, node.Location), $"{path}[{index++}]", errors);
            }

            return (true, list);
        }

        IEnumerable<ConfigNode> items;
        if (node.Kind == ConfigNodeKind.Sequence)
        {
            items = node.Items;
        }
        else if (TryIndexedItems(node, out var indexed))
        {
            // Key-value stores write lists as mappings with numeric keys ("entryPoints/0", "entryPoints/1").
            items = indexed;
        }
        else
        {
            return Mismatch(info, node, path, errors);
        }

        var i = 0;
        foreach (var item in items)
        {
            AddItem(list, elementInfo, item, $"{path}[{i++}]", errors);
        }

        return (true, list);
    }

    private static void AddItem(IList list, ConfigTypeInfo elementInfo, ConfigNode item, string path, List<ConfigError> errors)
    {
        var (ok, value) = BindValue(elementInfo, item, path, errors);
        if (ok && value is not null)
        {
            list.Add(value);
        }
        else if (ok || (item.Kind == ConfigNodeKind.Scalar && item.Value is null))
        {
            // A null list item ("- ~" or "-") is almost always a mistake, and a null would surprise every consumer.
            errors.Add(new ConfigError(path, "empty list item", item.Location));
        }
    }

    private static bool TryIndexedItems(ConfigNode node, out List<ConfigNode> items)
    {
        items = [];
        var byIndex = new SortedDictionary<int, ConfigNode>();
        foreach (var (key, value) in node.Entries)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || !byIndex.TryAdd(index, value))
            {
                return false;
            }
        }

        items.AddRange(byIndex.Values);
        return node.Entries.Count > 0;
    }

    private static (bool, object?) BindDictionary(ConfigTypeInfo info, ConfigNode node, string path, List<ConfigError> errors)
    {
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            return Mismatch(info, node, path, errors);
        }

        var dictionary = (IDictionary)Activator.CreateInstance(info.DictionaryType!, StringComparer.Ordinal)!;
        var valueInfo = ConfigTypeInfo.Get(info.Element!);
        foreach (var (key, child) in node.Entries)
        {
            var childPath = Join(path, key);
            var (ok, value) = BindValue(valueInfo, child, childPath, errors);
            if (!ok && child.Kind == ConfigNodeKind.Scalar && child.Value is null)
            {
                // "headers: {X-Empty: }" means an empty value for strings; other types get their default.
                (ok, value) = (true, valueInfo.Kind == ConfigTypeKind.String ? string.Empty : DefaultOf(valueInfo));
            }

            if (ok && value is not null)
            {
                dictionary[key] = value;
            }
        }

        return (true, dictionary);
    }

    private static (bool, object?) Mismatch(ConfigTypeInfo info, ConfigNode node, string path, List<ConfigError> errors)
    {
        var got = node.Kind switch
        {
            ConfigNodeKind.Mapping => "a mapping",
            ConfigNodeKind.Sequence => "a list",
            _ => $"\"{node.Value}\"",
        };
        errors.Add(new ConfigError(path.Length == 0 ? "(root)" : path, $"expected {Describe(info)}, got {got}", node.Location));
        return (false, null);
    }

    private static string Describe(ConfigTypeInfo info) => info.Kind switch
    {
        ConfigTypeKind.String => "a string",
        ConfigTypeKind.Bool => "a boolean (true or false)",
        ConfigTypeKind.Int => "an integer",
        ConfigTypeKind.Long => "an integer",
        ConfigTypeKind.Double => "a number",
        ConfigTypeKind.Duration => "a duration such as \"10s\", \"1m30s\" or a number of seconds",
        ConfigTypeKind.Enum => "one of " + string.Join(", ", Enum.GetNames(info.Target)),
        ConfigTypeKind.List => "a list",
        ConfigTypeKind.Dictionary => "a mapping of names to values",
        ConfigTypeKind.Record => "a mapping",
        _ => info.Target.Name,
    };

    internal static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>Go's <c>strconv.ParseBool</c>, which Traefik uses for flags, variables and file values.</summary>
    internal static bool TryParseBool(string text, out bool value)
    {
        value = IsTrue(text);
        return value || IsFalse(text);
    }

    private static bool IsTrue(string text) => text is "1" or "t" or "T" or "TRUE" or "true" or "True";

    private static bool IsFalse(string text) => text is "0" or "f" or "F" or "FALSE" or "false" or "False";
}

using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace Portico.Configuration.Parsing;

internal enum ConfigTypeKind
{
    String,
    Bool,
    Int,
    Long,
    Double,
    Duration,
    Enum,
    List,
    Dictionary,
    Record,
    Node,
    Location,
}

/// <summary>
/// What the binder, the environment reader and the equality check need to know about one configuration type,
/// computed once per type with reflection and cached.
/// </summary>
internal sealed class ConfigTypeInfo
{
    private static readonly ConcurrentDictionary<Type, ConfigTypeInfo> Cache = new();

    private ConfigTypeInfo(Type type)
    {
        Type = type;
        var underlying = Nullable.GetUnderlyingType(type);
        IsNullableValue = underlying is not null;
        var target = underlying ?? type;
        Kind = Classify(target, out var element);
        Element = element;
        if (Kind == ConfigTypeKind.List)
        {
            ListType = typeof(List<>).MakeGenericType(element!);
        }
        else if (Kind == ConfigTypeKind.Dictionary)
        {
            DictionaryType = typeof(Dictionary<,>).MakeGenericType(typeof(string), element!);
        }
        else if (Kind == ConfigTypeKind.Record)
        {
            foreach (var property in target.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || !property.CanRead)
                {
                    continue;
                }

                if (property.PropertyType == typeof(SourceLocation))
                {
                    LocationProperty ??= property;
                    continue;
                }

                if (property.CanWrite)
                {
                    Properties.Add(property.Name, property);
                }
            }
        }
    }

    public Type Type { get; }

    /// <summary>The type without <see cref="Nullable{T}"/>.</summary>
    public Type Target => Nullable.GetUnderlyingType(Type) ?? Type;

    public bool IsNullableValue { get; }

    public ConfigTypeKind Kind { get; }

    /// <summary>The element type of a list or the value type of a dictionary.</summary>
    public Type? Element { get; }

    public Type? ListType { get; }

    public Type? DictionaryType { get; }

    /// <summary>Bindable properties of a record, by name, ignoring case.</summary>
    public Dictionary<string, PropertyInfo> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The record's <see cref="SourceLocation"/> property, filled from the mapping being bound.</summary>
    public PropertyInfo? LocationProperty { get; }

    public static ConfigTypeInfo Get(Type type) => Cache.GetOrAdd(type, static t => new ConfigTypeInfo(t));

    /// <summary>Traefik spells option names in camelCase: <c>TrustedIPs</c> is <c>trustedIPs</c>.</summary>
    public static string OptionName(string propertyName) =>
        propertyName.Length == 0 ? propertyName : char.ToLowerInvariant(propertyName[0]) + propertyName[1..];

    /// <summary>The closest property name within edit distance 2, as a "did you mean" hint.</summary>
    public string? Suggest(string key)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var name in Properties.Keys)
        {
            var distance = EditDistance(key.ToLowerInvariant(), name.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = OptionName(name);
            }
        }

        return best;
    }

    private static int EditDistance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return 3;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static ConfigTypeKind Classify(Type type, out Type? element)
    {
        element = null;
        if (type == typeof(string))
        {
            return ConfigTypeKind.String;
        }

        if (type == typeof(bool))
        {
            return ConfigTypeKind.Bool;
        }

        if (type == typeof(int))
        {
            return ConfigTypeKind.Int;
        }

        if (type == typeof(long))
        {
            return ConfigTypeKind.Long;
        }

        if (type == typeof(double))
        {
            return ConfigTypeKind.Double;
        }

        if (type == typeof(TimeSpan))
        {
            return ConfigTypeKind.Duration;
        }

        if (type.IsEnum)
        {
            return ConfigTypeKind.Enum;
        }

        if (type == typeof(ConfigNode))
        {
            return ConfigTypeKind.Node;
        }

        if (type == typeof(SourceLocation))
        {
            return ConfigTypeKind.Location;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var arguments = type.GetGenericArguments();
            if (definition == typeof(IReadOnlyList<>) || definition == typeof(List<>) || definition == typeof(IList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>))
            {
                element = arguments[0];
                return ConfigTypeKind.List;
            }

            if ((definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>))
                && arguments[0] == typeof(string))
            {
                element = arguments[1];
                return ConfigTypeKind.Dictionary;
            }
        }

        if (type.IsArray || typeof(IEnumerable).IsAssignableFrom(type))
        {
            throw new NotSupportedException($"configuration type {type} uses an unsupported collection type");
        }

        if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is not null)
        {
            return ConfigTypeKind.Record;
        }

        throw new NotSupportedException($"configuration type {type} cannot be bound: it needs a parameterless constructor");
    }
}

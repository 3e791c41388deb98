using System.Collections;

namespace Portico.Configuration.Parsing;

/// <summary>
/// Structural equality of configuration values (records, lists, dictionaries, <see cref="ConfigNode"/> trees)
/// that ignores where things were written. A reload uses it to keep stateful runtime parts (health, counters,
/// pooled connections) for items that did not change even if a line moved. Records' generated equality cannot
/// be used: it compares collections by reference and includes the source location.
/// </summary>
internal static class ConfigEquality
{
    public static bool DeepEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if (a is SourceLocation && b is SourceLocation)
        {
            return true;
        }

        if (a is ConfigNode na)
        {
            return b is ConfigNode nb && NodeEquals(na, nb);
        }

        if (a is string || a.GetType().IsPrimitive || a is TimeSpan || a is Enum || a is decimal)
        {
            return a.Equals(b);
        }

        if (a is IDictionary da)
        {
            return b is IDictionary db && DictionaryEquals(da, db);
        }

        if (a is IEnumerable ea)
        {
            return b is IEnumerable eb && a is not IDictionary && b is not IDictionary && SequenceEquals(ea, eb);
        }

        var type = a.GetType();
        if (type != b.GetType())
        {
            return false;
        }

        var info = ConfigTypeInfo.Get(type);
        if (info.Kind != ConfigTypeKind.Record)
        {
            return a.Equals(b);
        }

        foreach (var property in info.Properties.Values)
        {
            if (!DeepEquals(property.GetValue(a), property.GetValue(b)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool NodeEquals(ConfigNode a, ConfigNode b)
    {
        if (a.Kind != b.Kind || !string.Equals(a.Value, b.Value, StringComparison.Ordinal)
            || a.Entries.Count != b.Entries.Count || a.Items.Count != b.Items.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Entries.Count; i++)
        {
            if (!string.Equals(a.Entries[i].Key, b.Entries[i].Key, StringComparison.Ordinal) || !NodeEquals(a.Entries[i].Value, b.Entries[i].Value))
            {
                return false;
            }
        }

        for (var i = 0; i < a.Items.Count; i++)
        {
            if (!NodeEquals(a.Items[i], b.Items[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool DictionaryEquals(IDictionary a, IDictionary b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (DictionaryEntry entry in a)
        {
            if (!b.Contains(entry.Key) || !DeepEquals(entry.Value, b[entry.Key]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SequenceEquals(IEnumerable a, IEnumerable b)
    {
        var eb = b.GetEnumerator();
        foreach (var item in a)
        {
            if (!eb.MoveNext() || !DeepEquals(item, eb.Current))
            {
                return false;
            }
        }

        return !eb.MoveNext();
    }
}

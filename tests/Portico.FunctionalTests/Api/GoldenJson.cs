using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portico.FunctionalTests.Api;

/// <summary>
/// Compares API answers with checked-in JSON files under <c>Api/golden/</c>, after replacing volatile values (start
/// date, version, ports chosen at random) with placeholders. Set <c>PORTICO_UPDATE_GOLDEN=1</c> to rewrite the files
/// from the current answers, then review the diff.
/// </summary>
internal static class GoldenJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void AssertMatches(string name, string actualJson, IReadOnlyDictionary<string, string> replacements)
    {
        var normalized = Normalize(actualJson, replacements);
        var path = Path.Combine(GoldenDirectory(), name + ".json");
        if (Environment.GetEnvironmentVariable("PORTICO_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, normalized + "\n");
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run with PORTICO_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path).TrimEnd('\n'), normalized);
    }

    private static string Normalize(string json, IReadOnlyDictionary<string, string> replacements)
    {
        var node = JsonNode.Parse(json);
        Walk(node);
        var text = node?.ToJsonString(Indented) ?? "null";
        foreach (var (from, to) in replacements)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text.ReplaceLineEndings("\n");
    }

    /// <summary>Values that change from run to run, by property name.</summary>
    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key is "startDate" or "version" && value is JsonValue)
                    {
                        obj[key] = "<" + key + ">";
                    }
                    else
                    {
                        Walk(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item);
                }

                break;
        }
    }

    private static string GoldenDirectory([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "golden");
}

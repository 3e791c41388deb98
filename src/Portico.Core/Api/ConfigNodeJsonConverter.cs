using System.Text.Json;
using System.Text.Json.Serialization;
using Portico.Configuration.Parsing;

namespace Portico.Api;

/// <summary>Writes a raw configuration subtree as plain JSON (scalars as strings) and source locations not at all.</summary>
internal sealed class ConfigNodeJsonConverter : JsonConverter<ConfigNode>
{
    public override ConfigNode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new JsonException("configuration nodes are written, never read, by the API");

    public override void Write(Utf8JsonWriter writer, ConfigNode value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case ConfigNodeKind.Scalar:
                if (value.Value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(value.Value);
                }

                break;
            case ConfigNodeKind.Mapping:
                writer.WriteStartObject();
                foreach (var entry in value.Entries)
                {
                    writer.WritePropertyName(entry.Key);
                    Write(writer, entry.Value, options);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartArray();
                foreach (var item in value.Items)
                {
                    Write(writer, item, options);
                }

                writer.WriteEndArray();
                break;
        }
    }
}

/// <summary>Source locations are for error messages; the API leaves them out.</summary>
internal sealed class SourceLocationJsonConverter : JsonConverter<SourceLocation>
{
    public override bool HandleNull => false;

    public override SourceLocation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => SourceLocation.None;

    public override void Write(Utf8JsonWriter writer, SourceLocation value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Portico.Configuration.Parsing;

namespace Portico.Api;

/// <summary>
/// Writes durations as Go's <c>time.Duration.String()</c> does (<c>0s</c>, <c>100ms</c>, <c>1m0s</c>, <c>1h2m3.5s</c>),
/// which is how Traefik's API shows them, instead of .NET's <c>00:01:00</c>.
/// </summary>
internal sealed class GoDurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new JsonException("durations are written, never read, by the API");

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(GoDuration.Format(value));
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

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
        writer.WriteStringValue(Format(value));

    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = value < TimeSpan.Zero ? "-" : string.Empty;
        var ticks = Math.Abs(value.Ticks);
        if (ticks < TimeSpan.TicksPerSecond)
        {
            // Below a second Go picks the largest unit that keeps an integer part: ms, µs or ns (a tick is 100 ns).
            var nanoseconds = ticks * 100;
            return sign + (nanoseconds >= 1_000_000 ? Fraction(nanoseconds, 1_000_000) + "ms"
                : nanoseconds >= 1_000 ? Fraction(nanoseconds, 1_000) + "µs"
                : nanoseconds.ToString(CultureInfo.InvariantCulture) + "ns");
        }

        var text = new StringBuilder(sign);
        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return text.Append(Fraction(ticks % TimeSpan.TicksPerMinute, TimeSpan.TicksPerSecond)).Append('s').ToString();
    }

    /// <summary><paramref name="amount"/> / <paramref name="unit"/> with the fraction's trailing zeros dropped.</summary>
    private static string Fraction(long amount, long unit)
    {
        var whole = (amount / unit).ToString(CultureInfo.InvariantCulture);
        var rest = amount % unit;
        if (rest == 0)
        {
            return whole;
        }

        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }
}

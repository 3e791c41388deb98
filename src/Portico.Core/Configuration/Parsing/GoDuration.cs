using System.Globalization;
using System.Text;

namespace Portico.Configuration.Parsing;

/// <summary>
/// Durations as Traefik reads them (its <c>ptypes.Duration</c>): a bare integer is a number of seconds,
/// anything else follows Go's <c>time.ParseDuration</c> ("1h30m", "100ms", "1.5s", "-1s", "0").
/// </summary>
internal static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds is > 9_223_372_036L or < -9_223_372_036L)
            {
                return false;
            }

            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TryParseGo(s, out value);
    }

    /// <summary>Go's grammar: <c>[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+</c>, or exactly "0".</summary>
    private static bool TryParseGo(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var i = 0;
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            i++;
        }

        if (i == s.Length)
        {
            return false;
        }

        decimal totalNanoseconds = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var integerDigits = i - numberStart;
            var fractionDigits = 0;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var fractionStart = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                fractionDigits = i - fractionStart;
            }

            if (integerDigits == 0 && fractionDigits == 0)
            {
                return false;
            }

            if (!decimal.TryParse(s.AsSpan(numberStart, i - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                || number > 1e15m)
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var unit = s.AsSpan(unitStart, i - unitStart);
            decimal scale = unit switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => 0m,
            };
            if (scale == 0m)
            {
                // A missing unit is only allowed for the whole string "0" (handled as a bare integer above).
                return false;
            }

            totalNanoseconds += number * scale;
            if (totalNanoseconds > long.MaxValue)
            {
                return false;
            }
        }

        var ticks = (long)decimal.Round(totalNanoseconds / 100m, MidpointRounding.AwayFromZero);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>
    /// Writes a duration as Go's <c>time.Duration.String()</c> does (<c>0s</c>, <c>100ms</c>, <c>1m0s</c>, <c>1h2m3.5s</c>):
    /// Traefik's API and messages show durations that way.
    /// </summary>
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

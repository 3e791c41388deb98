using System.Globalization;

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

    /// <summary>Formats like Go's <c>Duration.String</c> for whole units ("1h30m0s", "100ms"), for messages and the API.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = value < TimeSpan.Zero ? "-" : string.Empty;
        var abs = value.Duration();
        if (abs < TimeSpan.FromSeconds(1))
        {
            return sign + abs.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var hours = (long)abs.TotalHours;
        var text = hours > 0 ? $"{hours}h{abs.Minutes}m" : abs.Minutes > 0 ? $"{abs.Minutes}m" : string.Empty;
        var seconds = abs.Seconds + (abs.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond);
        return sign + text + seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }
}

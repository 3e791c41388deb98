using System.Globalization;

namespace Portico.Cli.Whoami;

/// <summary>
/// Parses the <c>?wait=</c> value of the whoami backend: a Go duration (<c>100ms</c>, <c>1.5s</c>,
/// <c>1m30s</c>, <c>250us</c>) as Traefik's whoami accepts, or a bare integer read as milliseconds.
/// </summary>
internal static class WaitDuration
{
    /// <summary>Longest wait honoured; a longer value is clamped so a typo cannot park a request for days.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text.IsEmpty)
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var millis))
        {
            duration = Clamp(millis * (double)TimeSpan.TicksPerMillisecond);
            return true;
        }

        // Go's grammar: a sequence of decimal numbers, each with an optional fraction and a unit.
        double ticks = 0;
        var rest = text;
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            rest = rest[numberLength..];
            var unitLength = 0;
            while (unitLength < rest.Length && !char.IsAsciiDigit(rest[unitLength]) && rest[unitLength] != '.')
            {
                unitLength++;
            }

            var unitTicks = UnitTicks(rest[..unitLength]);
            if (unitTicks < 0)
            {
                return false;
            }

            ticks += value * unitTicks;
            rest = rest[unitLength..];
        }

        duration = Clamp(ticks);
        return true;
    }

    private static TimeSpan Clamp(double ticks) =>
        ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);

    /// <summary>Ticks per unit, or -1 for an unknown unit (Go rejects a number without a unit too).</summary>
    private static double UnitTicks(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
        "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        _ => -1,
    };
}

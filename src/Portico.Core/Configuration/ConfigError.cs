using Portico.Configuration.Parsing;

namespace Portico.Configuration;

public enum ConfigSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem found in configuration. <paramref name="Item"/> names what it disables (for example
/// <c>router "api@file"</c> or the key path <c>entryPoints.web.address</c>); <paramref name="Location"/> says where it was written.
/// </summary>
public sealed record ConfigError(string Item, string Message, SourceLocation Location, ConfigSeverity Severity = ConfigSeverity.Error)
{
    public override string ToString()
    {
        var where = Location.IsKnown ? Location + ": " : string.Empty;
        var level = Severity == ConfigSeverity.Warning ? "warning: " : string.Empty;
        return $"{where}{level}{Item}: {Message}";
    }
}

namespace Portico.Configuration.Static;

/// <summary>The outcome of loading the static configuration from one of its mutually exclusive sources.</summary>
internal sealed record StaticConfigLoadResult
{
    public required StaticConfig Config { get; init; }

    /// <summary>Where the configuration came from: "file /etc/portico/portico.yml", "flags", "environment" or "built-in default".</summary>
    public required string Source { get; init; }

    /// <summary>The configuration file used, when there was one.</summary>
    public string? ConfigFilePath { get; init; }

    /// <summary>Errors and warnings (see <see cref="ConfigError.Severity"/>).</summary>
    public IReadOnlyList<ConfigError> Errors { get; init; } = [];

    /// <summary>No source was given: the caller substitutes its built-in configuration.</summary>
    public bool IsDefault { get; init; }

    public bool HasErrors
    {
        get
        {
            foreach (var error in Errors)
            {
                if (error.Severity == ConfigSeverity.Error)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

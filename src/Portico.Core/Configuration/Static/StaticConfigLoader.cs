using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

/// <summary>
/// Loads the static configuration the way Traefik does: a configuration file, the command-line flags and the
/// environment are mutually exclusive sources, tried in that order; the first one present is the whole
/// configuration and the others are ignored.
/// </summary>
internal static class StaticConfigLoader
{
    /// <summary>System directories searched first for a configuration file.</summary>
    internal static readonly IReadOnlyList<string> SystemDirectories = ["/etc/portico/", "/etc/traefik/"];

    /// <summary>File names tried in each directory. TOML names are found so that they give a clear error.</summary>
    internal static readonly IReadOnlyList<string> FileNames = ["portico.yml", "portico.yaml", "traefik.yml", "traefik.yaml", "portico.toml", "traefik.toml"];

    public static StaticConfigLoadResult Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, string workingDirectory) =>
        Load(args, env, workingDirectory, SystemDirectories);

    /// <summary>Tests pass their own <paramref name="systemDirectories"/> so they never depend on the machine's /etc.</summary>
    internal static StaticConfigLoadResult Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, string workingDirectory, IReadOnlyList<string> systemDirectories)
    {
        var errors = new List<ConfigError>();
        var (explicitFile, otherArgs) = SplitConfigFileFlag(args, errors);
        explicitFile ??= ConfigFileVariable(env);
        var hasEnvConfig = EnvConfigReader.ConfigVariables(env).Count > 0;

        // 1. A configuration file, named or found in the usual places.
        var path = explicitFile is not null ? Path.GetFullPath(explicitFile, workingDirectory) : Search(env, workingDirectory, systemDirectories);
        if (path is not null)
        {
            if (otherArgs.Count > 0)
            {
                errors.Add(new ConfigError("flags", $"the configuration file {path} is used, so the command-line flags are ignored (file, flags and environment variables are alternative sources)", new SourceLocation("flag " + otherArgs[0], 0, 0), ConfigSeverity.Warning));
            }
            else if (hasEnvConfig)
            {
                errors.Add(new ConfigError("environment", $"the configuration file {path} is used, so the PORTICO_/TRAEFIK_ configuration variables are ignored", SourceLocation.None, ConfigSeverity.Warning));
            }

            var config = LoadFile(path, errors);
            return new StaticConfigLoadResult { Config = config, Source = "file " + path, ConfigFilePath = path, Errors = errors };
        }

        // 2. Otherwise the flags, 3. otherwise the environment.
        if (otherArgs.Count > 0)
        {
            if (hasEnvConfig)
            {
                errors.Add(new ConfigError("environment", "command-line flags are used, so the PORTICO_/TRAEFIK_ configuration variables are ignored", SourceLocation.None, ConfigSeverity.Warning));
            }

            var root = FlagConfigReader.Read(otherArgs, errors);
            return new StaticConfigLoadResult { Config = BindAndValidate(root, errors), Source = "flags", Errors = errors };
        }

        if (hasEnvConfig)
        {
            var root = EnvConfigReader.Read(env, typeof(StaticConfig), errors);
            return new StaticConfigLoadResult { Config = BindAndValidate(root, errors), Source = "environment", Errors = errors };
        }

        // 4. Nothing given: the caller supplies its built-in configuration.
        return new StaticConfigLoadResult { Config = new StaticConfig(), Source = "built-in default", Errors = errors, IsDefault = true };
    }

    private static StaticConfig LoadFile(string path, List<ConfigError> errors)
    {
        if (!File.Exists(path))
        {
            errors.Add(new ConfigError("configFile", $"configuration file {path} not found", new SourceLocation(path, 0, 0)));
            return new StaticConfig();
        }

        if (path.EndsWith(".toml", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new ConfigError("configFile", $"TOML static configuration is not supported yet: convert {path} to YAML (same option names)", new SourceLocation(path, 0, 0)));
            return new StaticConfig();
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ConfigError("configFile", $"cannot read configuration file {path}: {ex.Message}", new SourceLocation(path, 0, 0)));
            return new StaticConfig();
        }

        var root = YamlConfigReader.Read(text, path, errors);
        return root is null ? new StaticConfig() : BindAndValidate(root, errors);
    }

    private static StaticConfig BindAndValidate(ConfigNode root, List<ConfigError> errors)
    {
        var config = ConfigBinder.Bind<StaticConfig>(root, string.Empty, errors);
        StaticConfigValidator.Validate(config, root, errors);
        return config;
    }

    /// <summary>Takes <c>--configFile=PATH</c> or <c>--configFile PATH</c> out of the arguments.</summary>
    private static (string? File, List<string> Others) SplitConfigFileFlag(IReadOnlyList<string> args, List<ConfigError> errors)
    {
        string? file = null;
        var others = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (!FlagConfigReader.TrySplit(args[i], out var name, out var value) || !FlagConfigReader.IsConfigFileFlag(name))
            {
                others.Add(args[i]);
                continue;
            }

            if (value is null && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                value = args[++i];
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new ConfigError("configFile", "--configFile needs a path", new SourceLocation("flag --" + name, 0, 0)));
                continue;
            }

            file = value;
        }

        return (file, others);
    }

    private static string? ConfigFileVariable(IReadOnlyDictionary<string, string> env)
    {
        string? traefik = null;
        foreach (var (name, value) in env)
        {
            if (string.IsNullOrWhiteSpace(value) || !EnvConfigReader.IsConfigFileVariable(name))
            {
                continue;
            }

            if (name.StartsWith("PORTICO_", StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }

            traefik = value;
        }

        return traefik;
    }

    private static string? Search(IReadOnlyDictionary<string, string> env, string workingDirectory, IReadOnlyList<string> systemDirectories)
    {
        var directories = new List<string>(systemDirectories);
        if (env.TryGetValue("XDG_CONFIG_HOME", out var xdg) && xdg.Length > 0)
        {
            directories.Add(xdg);
        }

        if (env.TryGetValue("HOME", out var home) && home.Length > 0)
        {
            directories.Add(Path.Combine(home, ".config"));
        }

        directories.Add(workingDirectory);
        foreach (var directory in directories)
        {
            foreach (var name in FileNames)
            {
                var candidate = Path.GetFullPath(Path.Combine(directory, name), workingDirectory);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

using Portico.Configuration;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Static;

public sealed class StaticConfigLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Sys1 => System.IO.Path.Combine(_dir.Path, "etc-portico");

    private string Sys2 => System.IO.Path.Combine(_dir.Path, "etc-traefik");

    private string Work => System.IO.Path.Combine(_dir.Path, "work");

    private StaticConfigLoadResult Load(string[] args, Dictionary<string, string>? env = null)
    {
        Directory.CreateDirectory(Work);
        env ??= [];
        env.TryAdd("HOME", System.IO.Path.Combine(_dir.Path, "home"));
        return StaticConfigLoader.Load(args, env, Work, [Sys1, Sys2]);
    }

    private static string Level(string level) => $"log:\n  level: {level}\n";

    [Fact]
    public void Nothing_given_is_default()
    {
        var result = Load([]);

        Assert.True(result.IsDefault);
        Assert.Equal("built-in default", result.Source);
        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("system dir first", "etc-portico/traefik.yml", "etc-traefik/portico.yml")]
    [InlineData("portico name before traefik name", "etc-traefik/portico.yaml", "etc-traefik/traefik.yml")]
    [InlineData("xdg before home", "xdg/traefik.yaml", "home/.config/traefik.yml")]
    [InlineData("home before working directory", "home/.config/portico.yml", "work/portico.yml")]
    [InlineData("working directory last", "work/traefik.yml", null)]
    public void Searches_the_usual_places_in_order(string scenario, string winner, string? loser)
    {
        var expected = _dir.Write(winner, Level("DEBUG"));
        if (loser is not null)
        {
            _dir.Write(loser, Level("WARN"));
        }

        var result = Load([], new() { ["XDG_CONFIG_HOME"] = System.IO.Path.Combine(_dir.Path, "xdg") });

        Assert.True(expected == result.ConfigFilePath, scenario + ": " + result.Source);
        Assert.Equal("file " + expected, result.Source);
        Assert.Equal("DEBUG", result.Config.Log!.Level);
        Assert.False(result.IsDefault);
    }

    [Theory]
    [InlineData("equals", new[] { "--configFile=custom.yml" })]
    [InlineData("separate", new[] { "--configFile", "custom.yml" })]
    [InlineData("lower-case", new[] { "--configfile=custom.yml" })]
    public void Explicit_config_file_flag_is_relative_to_working_directory(string scenario, string[] args)
    {
        _dir.Write("work/traefik.yml", Level("WARN"));
        var expected = _dir.Write("work/custom.yml", Level("DEBUG"));

        var result = Load(args);

        Assert.True(expected == result.ConfigFilePath, scenario);
        Assert.Equal("DEBUG", result.Config.Log!.Level);
        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("portico variable", "PORTICO_CONFIGFILE")]
    [InlineData("traefik variable", "TRAEFIK_CONFIGFILE")]
    public void Config_file_from_environment(string scenario, string variable)
    {
        var expected = _dir.Write("elsewhere/x.yml", Level("DEBUG"));

        var result = Load([], new() { [variable] = expected });

        Assert.True(expected == result.ConfigFilePath, scenario);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void File_wins_over_flags_with_a_warning()
    {
        _dir.Write("work/portico.yml", Level("DEBUG"));

        var result = Load(["--log.level=INFO"]);

        Assert.Equal("DEBUG", result.Config.Log!.Level);
        var warning = Assert.Single(result.Errors);
        Assert.Equal(ConfigSeverity.Warning, warning.Severity);
        Assert.Contains("flags are ignored", warning.Message, StringComparison.Ordinal);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void Flags_win_over_environment()
    {
        var result = Load(["--log.level=INFO"], new() { ["PORTICO_LOG_LEVEL"] = "DEBUG" });

        Assert.Equal("flags", result.Source);
        Assert.Equal("INFO", result.Config.Log!.Level);
        Assert.Equal(ConfigSeverity.Warning, Assert.Single(result.Errors).Severity);
    }

    [Theory]
    [InlineData("portico prefix", "PORTICO_ENTRYPOINTS_WEB_ADDRESS")]
    [InlineData("traefik prefix", "TRAEFIK_ENTRYPOINTS_WEB_ADDRESS")]
    public void Environment_when_nothing_else(string scenario, string variable)
    {
        var result = Load([], new() { [variable] = ":8081" });

        Assert.True(result.Source == "environment", scenario);
        Assert.Equal(":8081", result.Config.EntryPoints!["web"].Address);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Missing_explicit_file_is_an_error()
    {
        var result = Load(["--configFile=nope.yml"]);

        Assert.True(result.HasErrors);
        Assert.Contains("not found", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Toml_file_gives_a_clear_error()
    {
        var path = _dir.Write("work/traefik.toml", "[log]\nlevel = \"DEBUG\"\n");

        var result = Load([]);

        Assert.Equal(path, result.ConfigFilePath);
        var error = Assert.Single(result.Errors);
        Assert.Contains("TOML static configuration is not supported yet", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}

using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Parsing;

public sealed class EnvConfigReaderTests
{
    private static (StaticConfig Config, List<ConfigError> Errors) Bind(params string[] variables)
    {
        var env = new List<KeyValuePair<string, string>>();
        foreach (var variable in variables)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            env.Add(new(variable[..equals], variable[(equals + 1)..]));
        }

        var errors = new List<ConfigError>();
        var root = EnvConfigReader.Read(env, typeof(StaticConfig), errors);
        var config = ConfigBinder.Bind<StaticConfig>(root, string.Empty, errors);
        return (config, errors);
    }

    public static TheoryData<string, string[], Func<StaticConfig, object?>, object?> Cases => new()
    {
        { "address", ["PORTICO_ENTRYPOINTS_WEB_ADDRESS=:80"], c => c.EntryPoints!["web"].Address, ":80" },
        { "dictionary key lower-cased", ["PORTICO_ENTRYPOINTS_WebSecure_ADDRESS=:443"], c => c.EntryPoints!["websecure"].Address, ":443" },
        { "traefik prefix", ["TRAEFIK_ENTRYPOINTS_WEB_ADDRESS=:81"], c => c.EntryPoints!["web"].Address, ":81" },
        { "lower-case prefix", ["portico_log_level=DEBUG"], c => c.Log!.Level, "DEBUG" },
        { "portico wins over traefik", ["TRAEFIK_LOG_LEVEL=INFO", "PORTICO_LOG_FORMAT=json"], c => c.Log!.Level, "ERROR" },
        { "section present", ["PORTICO_API=true"], c => c.Api is not null, true },
        { "section option", ["PORTICO_API_INSECURE=true"], c => c.Api!.Insecure, true },
        { "nested record", ["PORTICO_ENTRYPOINTS_WEB_HTTP_REDIRECTIONS_ENTRYPOINT_TO=websecure"], c => c.EntryPoints!["web"].Http.Redirections!.EntryPoint!.To, "websecure" },
        { "comma list", ["PORTICO_ENTRYPOINTS_WEB_FORWARDEDHEADERS_TRUSTEDIPS=10.0.0.0/8,::1"], c => c.EntryPoints!["web"].ForwardedHeaders.TrustedIPs.Count, 2 },
        { "list index", ["PORTICO_PROVIDERS_PRECEDENCE_0=file", "PORTICO_PROVIDERS_PRECEDENCE_1=docker"], c => string.Join('|', c.Providers!.Precedence!), "file|docker" },
        { "raw section keeps remaining segments", ["PORTICO_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT=false"], c => c.Providers!.Docker!.Get("exposedByDefault")!.Value, "false" },
        { "config file variable skipped", ["PORTICO_CONFIGFILE=/x.yml", "PORTICO_LOG_LEVEL=WARN"], c => c.Log!.Level, "WARN" },
        { "other variables ignored", ["HOME=/root", "PORTICO_PING=true"], c => c.Ping is not null, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads(string scenario, string[] variables, Func<StaticConfig, object?> get, object? expected)
    {
        var (config, errors) = Bind(variables);

        Assert.True(errors.Count == 0, scenario + ": " + string.Join("; ", errors));
        Assert.Equal(expected, get(config));
    }

    [Theory]
    [InlineData("unknown top-level", "PORTICO_TEST_VALUE=1", "unknown key \"test\"")]
    [InlineData("typo with suggestion", "PORTICO_ENTRYPOINTS_WEB_ADRESS=:80", "did you mean \"address\"?")]
    [InlineData("too deep for a value", "PORTICO_LOG_LEVEL_X=1", "takes a single value")]
    [InlineData("list needs index", "PORTICO_PROVIDERS_PRECEDENCE_FIRST=file", "must be an index")]
    [InlineData("bad value", "PORTICO_PING_TERMINATINGSTATUSCODE=abc", "expected an integer")]
    public void Errors_name_the_variable(string scenario, string variable, string message)
    {
        var (_, errors) = Bind(variable);

        var error = Assert.Single(errors);
        Assert.True(error.Location.Source == "env " + variable[..variable.IndexOf('=', StringComparison.Ordinal)], scenario + ": " + error);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

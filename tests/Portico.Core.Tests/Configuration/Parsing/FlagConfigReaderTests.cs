using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Parsing;

public sealed class FlagConfigReaderTests
{
    private static (StaticConfig Config, List<ConfigError> Errors) Bind(params string[] args)
    {
        var errors = new List<ConfigError>();
        var root = FlagConfigReader.Read(args, errors);
        var config = ConfigBinder.Bind<StaticConfig>(root, string.Empty, errors);
        return (config, errors);
    }

    public static TheoryData<string, string[], Func<StaticConfig, object?>, object?> Cases => new()
    {
        { "equals", ["--entryPoints.web.address=:80"], c => c.EntryPoints!["web"].Address, ":80" },
        { "separate value", ["--entryPoints.web.address", ":80"], c => c.EntryPoints!["web"].Address, ":80" },
        { "single dash", ["-entryPoints.web.address=:80"], c => c.EntryPoints!["web"].Address, ":80" },
        { "bare boolean", ["--api.insecure"], c => c.Api!.Insecure, true },
        { "explicit false", ["--api.insecure=false"], c => c.Api!.Insecure, false },
        { "bare section", ["--api"], c => c.Api is not null, true },
        { "bare section then option", ["--ping", "--ping.entryPoint=web"], c => c.Ping!.EntryPoint, "web" },
        { "option then bare section", ["--ping.entryPoint=web", "--ping"], c => c.Ping!.EntryPoint, "web" },
        { "section false", ["--api=false"], c => c.Api is null, true },
        { "lower-case flag", ["--entrypoints.websecure.forwardedheaders.trustedips=10.0.0.0/8,127.0.0.1"], c => string.Join('|', c.EntryPoints!["websecure"].ForwardedHeaders.TrustedIPs), "10.0.0.0/8|127.0.0.1" },
        { "comma list", ["--entryPoints.web.http.middlewares=a@file,b@file"], c => string.Join('|', c.EntryPoints!["web"].Http.Middlewares), "a@file|b@file" },
        { "file provider", ["--providers.file.directory=./dyn"], c => c.Providers!.File!.Directory, "./dyn" },
        { "raw section by index", ["--entryPoints.web.http.tls.domains[0].main=example.com", "--entryPoints.web.http.tls.domains[1].main=b.com"], c => c.EntryPoints!["web"].Http.Tls!.Get("domains")!.Items[1].Get("main")!.Value, "b.com" },
        { "raw provider present", ["--providers.docker"], c => c.Providers!.Docker!.Kind, ConfigNodeKind.Mapping },
        { "raw provider with options", ["--providers.docker=true", "--providers.docker.exposedByDefault=false"], c => c.Providers!.Docker!.Get("exposedbydefault")!.Value, "false" },
        { "last wins", ["--log.level=INFO", "--log.level=DEBUG"], c => c.Log!.Level, "DEBUG" },
        { "config file skipped", ["--configFile=x.yml", "--log.level=INFO"], c => c.Log!.Level, "INFO" },
        { "config file with separate value skipped", ["--configfile", "x.yml", "--log.level=INFO"], c => c.Log!.Level, "INFO" },
        { "duration", ["--providers.providersThrottleDuration=500ms"], c => c.Providers!.ProvidersThrottleDuration, TimeSpan.FromMilliseconds(500) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads(string scenario, string[] args, Func<StaticConfig, object?> get, object? expected)
    {
        var (config, errors) = Bind(args);

        Assert.True(errors.Count == 0, scenario + ": " + string.Join("; ", errors));
        Assert.Equal(expected, get(config));
    }

    [Theory]
    [InlineData("typo", new[] { "--entryPoints.web.adress=:80" }, "flag --entryPoints.web.adress", "did you mean \"address\"?")]
    [InlineData("bad index", new[] { "--entryPoints.web.http.tls.domains[x].main=a" }, "flag --entryPoints.web.http.tls.domains[x].main", "list indexes")]
    [InlineData("index gap", new[] { "--entryPoints.web.http.tls.domains[1].main=a" }, "flag --entryPoints.web.http.tls.domains[1].main", "index 0 is missing")]
    [InlineData("value then section", new[] { "--log.level=INFO", "--log.level.x=1" }, "flag --log.level.x", "conflicts")]
    [InlineData("positional", new[] { "serve" }, "argument serve", "unexpected argument")]
    [InlineData("type", new[] { "--ping.terminatingStatusCode=abc" }, "flag --ping.terminatingStatusCode", "expected an integer")]
    public void Errors_name_the_flag(string scenario, string[] args, string source, string message)
    {
        var (_, errors) = Bind(args);

        var error = Assert.Single(errors);
        Assert.True(source == error.Location.Source, scenario + ": " + error);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

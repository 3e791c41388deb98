using Portico.Cli;

namespace Portico.FunctionalTests.Cli;

/// <summary>
/// <c>portico check</c> through <see cref="CheckCommand.Run"/>: every problem is printed with its file, line and item,
/// errors make the exit code 1, and the analysis beyond Traefik (shadowed and ambiguous routers) is reported as warnings.
/// </summary>
public sealed class CheckCommandTests
{
    private const string Static = """
        entryPoints:
          web:
            address: ":8000"
        providers:
          file:
            directory: "{dynamic}"
        """;

    private const string Services = """
          services:
            app:
              loadBalancer:
                servers:
                  - url: "http://127.0.0.1:9000"
        """;

    public static TheoryData<string, string, string, int, string[]> Cases => new()
    {
        {
            "a good configuration", Static,
            "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`)\"\n      service: app\n" + Services, 0,
            ["0 errors, 0 warnings"]
        },
        {
            "broken YAML", Static,
            "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`)\n      service: app\n", 1,
            ["dynamic.yml:4"]
        },
        {
            "a rule that does not parse", Static,
            "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`) &&\"\n      service: app\n" + Services, 1,
            ["dynamic.yml:3", "app@file"]
        },
        {
            "a router naming a missing service", Static,
            "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`)\"\n      service: nope\n" + Services, 1,
            ["dynamic.yml:3", "app@file", "nope@file"]
        },
        {
            "a router shadowed by a catch-all with a higher priority", Static,
            "http:\n  routers:\n    catch-all:\n      rule: \"PathPrefix(`/`)\"\n      priority: 1000\n      service: app\n    api:\n      rule: \"PathPrefix(`/api`)\"\n      service: app\n" + Services, 0,
            ["dynamic.yml:7", "api@file", "catch-all@file", "1 warnings"]
        },
        {
            "two routers with the same priority matching the same requests", Static,
            "http:\n  routers:\n    one:\n      rule: \"Host(`a.test`)\"\n      priority: 10\n      service: app\n    two:\n      rule: \"Host(`a.test`) || Host(`b.test`)\"\n      priority: 10\n      service: app\n" + Services, 0,
            ["one@file", "two@file", "warnings"]
        },
        {
            "a TLS and a cleartext router with the same rule do not compete", Static,
            "http:\n  routers:\n    secure:\n      rule: \"Host(`a.test`)\"\n      service: app\n      tls: {}\n    plain:\n      rule: \"Host(`a.test`)\"\n      service: app\n" + Services, 0,
            ["0 errors, 0 warnings"]
        },
        {
            "two TLS routers with the same rule are still ambiguous", Static,
            "http:\n  routers:\n    one:\n      rule: \"Host(`a.test`)\"\n      service: app\n      tls: {}\n    two:\n      rule: \"Host(`a.test`)\"\n      service: app\n      tls: {}\n" + Services, 0,
            ["one@file", "two@file", "web (TLS)", "1 warnings"]
        },
        {
            "a router on an entry point that does not exist", Static,
            "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`)\"\n      entryPoints: [nope]\n      service: app\n" + Services, 1,
            ["dynamic.yml:3", "app@file", "\"nope\" doesn't exist"]
        },
        {
            "an unknown static key",
            Static + "\n        unknownKey: 1\n".Replace("        ", string.Empty, StringComparison.Ordinal),
            "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`)\"\n      service: app\n" + Services, 1,
            ["portico.yml:7", "unknownKey"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CheckReportsEveryProblemWithItsPlaceAsync(string scenario, string staticYaml, string dynamicYaml, int expectedExit, string[] expectedTexts)
    {
        using var directory = new ConfigDirectory(staticYaml, ("dynamic.yml", dynamicYaml));
        using var output = new StringWriter();

        var exit = CheckCommand.Run(["--configFile", directory.StaticFile], dynamicPath: null, output);

        var text = output.ToString();
        Assert.True(expectedExit == exit, $"{scenario}: exit {exit}\n{text}");
        foreach (var expected in expectedTexts)
        {
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"{scenario}: \"{expected}\" missing from\n{text}");
        }
    }

    [Theory]
    [InlineData("a static file that does not exist", "/nonexistent/portico.yml", null, "not found")]
    [InlineData("a dynamic path that does not exist", "STATIC", "/nonexistent/dynamic", "does not exist")]
    public void MissingFilesAreErrorsAsync(string scenario, string staticFile, string? dynamicPath, string expected)
    {
        using var directory = new ConfigDirectory("entryPoints:\n  web:\n    address: \":8000\"\n");
        using var output = new StringWriter();

        var exit = CheckCommand.Run(["--configFile", staticFile == "STATIC" ? directory.StaticFile : staticFile], dynamicPath, output);

        Assert.True(exit == 1, $"{scenario}: exit {exit}\n{output}");
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
    }
}

using Portico.Configuration;
using Portico.Configuration.Parsing;

namespace Portico.Tests.Configuration.Parsing;

public sealed class YamlConfigReaderTests
{
    [Fact]
    public void Nodes_carry_file_line_and_column()
    {
        var errors = new List<ConfigError>();
        var root = YamlConfigReader.Read("entryPoints:\n  web:\n    address: \":80\"\n", "static.yml", errors);

        Assert.Empty(errors);
        var web = root!.Get("entrypoints")!.Get("WEB")!;
        Assert.Equal(new SourceLocation("static.yml", 2, 3), web.Location);
        var address = web.Get("address")!;
        Assert.Equal(":80", address.Value);
        Assert.Equal(new SourceLocation("static.yml", 3, 14), address.Location);
    }

    [Theory]
    [InlineData("empty text", "")]
    [InlineData("only a comment", "# nothing here\n")]
    [InlineData("explicit null document", "~\n")]
    public void Empty_document_is_an_empty_mapping(string scenario, string text)
    {
        var errors = new List<ConfigError>();
        var root = YamlConfigReader.Read(text, "f.yml", errors);

        Assert.Empty(errors);
        Assert.NotNull(root);
        Assert.Equal(ConfigNodeKind.Mapping, root.Kind);
        Assert.True(root.Entries.Count == 0, scenario);
    }

    [Fact]
    public void Parse_error_names_file_and_line_and_returns_null()
    {
        var errors = new List<ConfigError>();
        var root = YamlConfigReader.Read("http:\n  routers:\n    r: [unclosed\n  services: {}\n", "dyn.yml", errors);

        Assert.Null(root);
        var error = Assert.Single(errors);
        Assert.Equal("dyn.yml", error.Location.Source);
        Assert.True(error.Location.Line >= 3, error.ToString());
        Assert.Contains("invalid YAML", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("same spelling", "a: 1\nb: 2\na: 3\n", 3)]
    [InlineData("different case", "entryPoints: {}\nentrypoints: {}\n", 2)]
    public void Duplicate_keys_are_errors(string scenario, string text, int line)
    {
        var errors = new List<ConfigError>();
        YamlConfigReader.Read(text, "f.yml", errors);

        var error = Assert.Single(errors);
        Assert.Contains("duplicate key", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(line == error.Location.Line, scenario + ": " + error);
        Assert.Equal("f.yml", error.Location.Source);
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_work()
    {
        const string text = """
            x-defaults: &defaults
              passHostHeader: false
              strategy: p2c
            services:
              a:
                <<: *defaults
                strategy: wrr
              b: *defaults
            """;
        var errors = new List<ConfigError>();
        var root = YamlConfigReader.Read(text, "f.yml", errors)!;

        Assert.Empty(errors);
        var a = root.Get("services")!.Get("a")!;
        Assert.Equal("wrr", a.Get("strategy")!.Value);
        Assert.Equal("false", a.Get("passHostHeader")!.Value);
        Assert.Null(a.Get("<<"));
        Assert.Equal("p2c", root.Get("services")!.Get("b")!.Get("strategy")!.Value);
    }

    [Theory]
    [InlineData("empty value", "tls:\n", null)]
    [InlineData("tilde", "tls: ~\n", null)]
    [InlineData("null word", "tls: null\n", null)]
    [InlineData("quoted null is a string", "tls: \"null\"\n", "null")]
    [InlineData("quoted empty is a string", "tls: ''\n", "")]
    public void Null_scalars(string scenario, string text, string? expected)
    {
        var errors = new List<ConfigError>();
        var node = YamlConfigReader.Read(text, "f.yml", errors)!.Get("tls")!;

        Assert.Equal(ConfigNodeKind.Scalar, node.Kind);
        Assert.True(expected == node.Value, scenario);
    }

    [Fact]
    public void Alias_bombs_are_stopped()
    {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        var previous = "a";
        for (var i = 0; i < 8; i++)
        {
            var name = "l" + i;
            text += $"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n";
            previous = name;
        }

        var errors = new List<ConfigError>();
        YamlConfigReader.Read(text, "bomb.yml", errors);

        Assert.Contains(errors, e => e.Message.Contains("too large", StringComparison.Ordinal));
    }
}

using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;

namespace Portico.Tests.Configuration.Parsing;

public sealed class ConfigBinderTests
{
    public sealed record Sample
    {
        public string Name { get; init; } = "default";

        public bool Enabled { get; init; }

        public int Count { get; init; } = 7;

        public long Big { get; init; }

        public double Ratio { get; init; }

        public int? Optional { get; init; }

        public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

        public TimeSpan? MaybeTimeout { get; init; }

        public IReadOnlyList<string> Tags { get; init; } = [];

        public List<int> Numbers { get; init; } = [];

        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

        public IReadOnlyDictionary<string, Sample>? Children { get; init; }

        public Sample? Nested { get; init; }

        public ConfigNode? Raw { get; init; }

        public SourceLocation Location { get; init; }
    }

    private static (Sample Value, List<ConfigError> Errors) BindYaml(string yaml)
    {
        var errors = new List<ConfigError>();
        var root = YamlConfigReader.Read(yaml, "t.yml", errors);
        Assert.Empty(errors);
        var value = ConfigBinder.Bind<Sample>(root, string.Empty, errors);
        return (value, errors);
    }

    public static TheoryData<string, string, Func<Sample, object?>, object?> Values => new()
    {
        { "string", "name: hello", s => s.Name, "hello" },
        { "bool case-insensitive key", "ENABLED: true", s => s.Enabled, true },
        { "go bool spelling", "enabled: T", s => s.Enabled, true },
        { "int", "count: -3", s => s.Count, -3 },
        { "long", "big: 9000000000", s => s.Big, 9_000_000_000L },
        { "double", "ratio: 0.25", s => s.Ratio, 0.25 },
        { "nullable int", "optional: 4", s => s.Optional, 4 },
        { "nullable int explicit null", "optional: ~", s => s.Optional, null },
        { "duration string", "timeout: 1m30s", s => s.Timeout, TimeSpan.FromSeconds(90) },
        { "duration bare seconds", "timeout: 42", s => s.Timeout, TimeSpan.FromSeconds(42) },
        { "nullable duration", "maybeTimeout: 100ms", s => s.MaybeTimeout, TimeSpan.FromMilliseconds(100) },
        { "unset keeps default", "name: x", s => s.Count, 7 },
        { "null keeps default", "count:", s => s.Count, 7 },
        { "list of strings", "tags: [a, b]", s => string.Join('|', s.Tags), "a|b" },
        { "comma-separated list", "tags: a@file, b@file", s => string.Join('|', s.Tags), "a@file|b@file" },
        { "list of ints", "numbers: [1, 2]", s => string.Join('|', s.Numbers), "1|2" },
        { "numeric-key mapping as list", "tags: {1: b, 0: a}", s => string.Join('|', s.Tags), "a|b" },
        { "dictionary keeps key spelling", "labels: {X-Foo: bar}", s => s.Labels["X-Foo"], "bar" },
        { "dictionary empty value", "labels: {X-Empty: }", s => s.Labels["X-Empty"], "" },
        { "nested record", "nested: {name: inner}", s => s.Nested!.Name, "inner" },
        { "empty record is default instance", "nested:", s => s.Nested!.Count, 7 },
        { "empty mapping is default instance", "nested: {}", s => s.Nested!.Name, "default" },
        { "record from true", "nested: true", s => s.Nested is not null, true },
        { "record from false", "nested: false", s => s.Nested is null, true },
        { "raw node kept", "raw: {a: [1, 2]}", s => s.Raw!.Get("a")!.Items.Count, 2 },
        { "raw empty is present", "raw:", s => s.Raw!.Kind, ConfigNodeKind.Mapping },
        { "location from mapping", "nested:\n  name: x", s => s.Nested!.Location.Line, 1 },
        { "dictionary of records", "children:\n  one:\n    count: 1", s => s.Children!["one"].Count, 1 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Binds(string scenario, string yaml, Func<Sample, object?> get, object? expected)
    {
        var (value, errors) = BindYaml(yaml);

        Assert.True(errors.Count == 0, scenario + ": " + string.Join("; ", errors));
        Assert.Equal(expected, get(value));
    }

    [Theory]
    [InlineData("int from text", "count: abc", "count", 1, "expected an integer, got \"abc\"")]
    [InlineData("string from mapping", "name: {a: 1}", "name", 1, "expected a string, got a mapping")]
    [InlineData("bool from text", "enabled: yes-please", "enabled", 1, "expected a boolean")]
    [InlineData("bad duration", "timeout: 10 minutes", "timeout", 1, "expected a duration")]
    [InlineData("list from mapping", "tags: {a: 1}", "tags", 1, "expected a list, got a mapping")]
    [InlineData("nested path", "children:\n  one:\n    count: x", "children.one.count", 3, "expected an integer")]
    [InlineData("list item path", "numbers:\n  - 1\n  - two", "numbers[1]", 3, "expected an integer")]
    [InlineData("record from scalar", "nested: hello", "nested", 1, "expected a mapping")]
    public void Type_mismatch_names_path_line_and_expected_type(string scenario, string yaml, string path, int line, string message)
    {
        var (_, errors) = BindYaml(yaml);

        var error = Assert.Single(errors);
        Assert.True(path == error.Item, scenario + ": " + error);
        Assert.Equal(line, error.Location.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_errors_are_collected_and_good_keys_still_bind()
    {
        var (value, errors) = BindYaml("count: x\nname: ok\nenabled: maybe\nnumbers: [1, z, 3]\n");

        Assert.Equal(3, errors.Count);
        Assert.Equal("ok", value.Name);
        Assert.Equal([1, 3], value.Numbers);
    }

    [Theory]
    [InlineData("typo with suggestion", "entryPoints:\n  web:\n    adress: \":80\"\n", "entryPoints.web.adress", 3, "did you mean \"address\"?")]
    [InlineData("case kept in path", "API:\n  insecur: true\n", "API.insecur", 2, "did you mean \"insecure\"?")]
    [InlineData("no suggestion when far", "entryPoints:\n  web:\n    listen: \":80\"\n", "entryPoints.web.listen", 3, null)]
    [InlineData("top level", "pings: {}\n", "pings", 1, "did you mean \"ping\"?")]
    public void Unknown_keys_name_full_path_line_and_suggestion(string scenario, string yaml, string path, int line, string? suggestion)
    {
        var errors = new List<ConfigError>();
        var root = YamlConfigReader.Read(yaml, "static.yml", errors);
        ConfigBinder.Bind<StaticConfig>(root, string.Empty, errors);

        var error = Assert.Single(errors);
        Assert.True(error.Message.StartsWith($"unknown key \"{path}\"", StringComparison.Ordinal), scenario + ": " + error);
        Assert.Equal(new SourceLocation("static.yml", line, error.Location.Column), error.Location);
        if (suggestion is null)
        {
            Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.EndsWith(suggestion, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Location_property_is_not_a_key()
    {
        var (_, errors) = BindYaml("location: here\n");

        Assert.Contains("unknown key \"location\"", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Router_tls_empty_mapping_enables_tls_and_location_is_router_line()
    {
        var errors = new List<ConfigError>();
        var root = YamlConfigReader.Read("http:\n  routers:\n    r1:\n      rule: Host(`a`)\n      tls: {}\n", "d.yml", errors);
        var config = ConfigBinder.Bind<DynamicConfig>(root, string.Empty, errors);

        Assert.Empty(errors);
        var router = config.Http!.Routers["r1"];
        Assert.NotNull(router.Tls);
        Assert.Equal(3, router.Location.Line);
        Assert.Equal("d.yml", router.Location.Source);
    }

    [Fact]
    public void Non_generic_bind_and_null_node()
    {
        var errors = new List<ConfigError>();

        var value = ConfigBinder.Bind(typeof(Sample), null, string.Empty, errors);

        Assert.Equal(new Sample().Count, Assert.IsType<Sample>(value).Count);
        Assert.Empty(errors);
    }
}

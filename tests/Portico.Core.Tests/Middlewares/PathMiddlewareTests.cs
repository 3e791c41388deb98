using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;

namespace Portico.Tests.Middlewares;

public sealed class PathMiddlewareTests
{
    [Theory]
    [InlineData("/api", "/api", "/", "/api")]
    [InlineData("/api", "/api/users", "/users", "/api")]
    [InlineData("/api", "/apiv2", "/v2", "/api")]
    [InlineData("/api/", "/api/users", "/users", "/api/")]
    [InlineData("/api", "/other", "/other", null)]
    public async Task StripPrefixRemovesTheFirstMatchingPrefixAndRecordsItAsync(string prefix, string path, string expectedPath, string? expectedHeader)
    {
        var context = await RunAsync($"stripPrefix:\n  prefixes: [\"/never\", \"{prefix}\"]", path);

        Assert.Equal(expectedPath, context.Request.Path.Value);
        Assert.Equal(expectedHeader, context.Request.Headers["X-Forwarded-Prefix"].FirstOrDefault());
    }

    [Theory]
    [InlineData("/api", "/users", "/api/users")]
    [InlineData("api", "/users", "/api/users")]
    [InlineData("/api", "/", "/api/")]
    public async Task AddPrefixPutsThePrefixBeforeThePathAsync(string prefix, string path, string expected)
    {
        var context = await RunAsync($"addPrefix:\n  prefix: \"{prefix}\"", path);

        Assert.Equal(expected, context.Request.Path.Value);
    }

    [Theory]
    [InlineData("stripPrefix: {}", "stripPrefix needs at least one entry in prefixes")]
    [InlineData("addPrefix: {}", "addPrefix needs a prefix")]
    [InlineData("addPrefix:\n  prefix: /a\n  prefx: /b", "unknown key")]
    [InlineData("headers: {}", "headers needs at least one option")]
    public void BadOptionsAreErrorsNamingTheMiddleware(string yaml, string expected)
    {
        var errors = new List<ConfigError>();
        var built = Build(yaml, errors);

        Assert.Null(built);
        Assert.Contains(errors, e => e.Item == "middleware \"m@file\"" && e.Message.Contains(expected, StringComparison.Ordinal));
    }

    internal static async Task<HttpContext> RunAsync(string yaml, string path)
    {
        var errors = new List<ConfigError>();
        var middleware = Build(yaml, errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        await middleware(_ => Task.CompletedTask)(context);
        return context;
    }

    internal static Func<RequestDelegate, RequestDelegate>? Build(string yaml, List<ConfigError> errors)
    {
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        var type = node.Entries[0];
        Assert.True(MiddlewareRegistry.Default.TryGet(type.Key, out var factory));
        return factory.Create(new MiddlewareContext { Name = "m@file", TypeName = type.Key, Options = type.Value, Errors = errors });
    }
}

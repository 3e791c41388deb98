using Portico.Configuration;
using Portico.Middlewares.BasicAuth;

namespace Portico.Tests.Middlewares.BasicAuth;

public sealed class BasicAuthMiddlewareTests
{
    private const string Users = """
        basicAuth:
          users:
            - "alice:$2y$05$OqbC6PcI7Her/9MFuDjZnOMxxZwdNRKX4Eaf2BtsUpmlwBNq/rgoW"
            - "bob:$apr1$YW1LaUpD$A7PndBw5PTK91VfOu.iDG/"
            - "carol:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ="
        """;

    public static TheoryData<string, string?, int, string?> Requests => new()
    {
        { "no credentials", null, 401, null },
        { "another scheme", "Bearer abc", 401, null },
        { "not base64", "Basic !!!", 401, null },
        { "no colon", "Basic " + Convert.ToBase64String("alice"u8.ToArray()), 401, null },
        { "unknown user", AuthHarness.Basic("mallory", "correct horse"), 401, null },
        { "wrong bcrypt password", AuthHarness.Basic("alice", "wrong horse"), 401, null },
        { "bcrypt", AuthHarness.Basic("alice", "correct horse"), 200, "alice" },
        { "scheme in lower case", "basic " + Convert.ToBase64String("alice:correct horse"u8.ToArray()), 200, "alice" },
        { "MD5-apr1 with UTF-8 password", AuthHarness.Basic("bob", "pässwörd"), 200, "bob" },
        { "wrong MD5 password", AuthHarness.Basic("bob", "password"), 401, null },
        { "SHA-1", AuthHarness.Basic("carol", "secret"), 200, "carol" },
        { "password with a colon is split at the first one", AuthHarness.Basic("carol", "secret:"), 401, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task CredentialsAreCheckedAsync(string scenario, string? authorization, int expected, string? user)
    {
        var harness = AuthHarness.Create(Users + "\n  headerField: X-User");

        var context = await harness.SendAsync(authorization);

        Assert.True(expected == context.Response.StatusCode, scenario);
        if (expected == 401)
        {
            Assert.Null(harness.Passed);
            Assert.Equal("Basic realm=\"traefik\"", context.Response.Headers.WWWAuthenticate.ToString());
            Assert.Equal("401 Unauthorized\n", System.Text.Encoding.ASCII.GetString(((MemoryStream)context.Response.Body).ToArray()));
        }
        else
        {
            Assert.Equal(user, harness.Passed!.Headers["X-User"].ToString());
            Assert.Equal(authorization, harness.Passed.Headers.Authorization.ToString());
        }
    }

    [Fact]
    public async Task RealmAndRemoveHeaderAreHonouredAsync()
    {
        var harness = AuthHarness.Create(Users + "\n  realm: \"my realm\"\n  removeHeader: true");

        var denied = await harness.SendAsync(null);
        await harness.SendAsync(AuthHarness.Basic("carol", "secret"));

        Assert.Equal("Basic realm=\"my realm\"", denied.Response.Headers.WWWAuthenticate.ToString());
        Assert.False(harness.Passed!.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task UsersFileAndInlineUsersAreMergedWithInlineWinningAsync()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "# comment\n\n  carol:{SHA}AAAAAAAAAAAAAAAAAAAAAAAAAAA=  \nbob:$apr1$YW1LaUpD$A7PndBw5PTK91VfOu.iDG/\n");
            var harness = AuthHarness.Create($"basicAuth:\n  usersFile: \"{file}\"\n  users: [\"carol:{{SHA}}5en6G6MezRroT3XKqkdPOmY/BfQ=\"]");

            Assert.Equal(200, (await harness.SendAsync(AuthHarness.Basic("bob", "pässwörd"))).Response.StatusCode);
            Assert.Equal(200, (await harness.SendAsync(AuthHarness.Basic("carol", "secret"))).Response.StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("basicAuth:\n  users: [\"dave:plaintext\"]", "user \"dave\": unsupported password hash")]
    [InlineData("basicAuth:\n  users: [\"erin:$2y$10$short\"]", "user \"erin\": bcrypt hashes look like")]
    [InlineData("basicAuth:\n  users: [\"nocolon\"]", "basicAuth users are written name:hash")]
    [InlineData("basicAuth:\n  users: [\"a:b:c\"]", "user \"a\": basicAuth users are written name:hash")]
    [InlineData("basicAuth:\n  usersFile: /does/not/exist", "usersFile \"/does/not/exist\" cannot be read")]
    [InlineData("basicAuth:\n  realm: x", "needs at least one user")]
    [InlineData("basicAuth:\n  userz: []", "unknown key")]
    public void BadOptionsAreErrorsNamingTheMiddleware(string yaml, string expected)
    {
        var errors = new List<ConfigError>();

        Assert.Null(AuthHarness.Build(yaml, errors));
        Assert.Contains(errors, e => e.Item == "middleware \"m@file\"" && e.Message.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Message.Contains("$2y$10$short", StringComparison.Ordinal));
    }

    [Fact]
    public void VerifiedPasswordsExpireAndStayBounded()
    {
        var time = new FakeTimeProvider();
        var cache = new VerifiedPasswords(time);

        cache.Add("alice", "pw");
        Assert.True(cache.Contains("alice", "pw"));
        Assert.False(cache.Contains("alice", "other"));
        Assert.False(cache.Contains("bob", "pw"));

        time.Advance(VerifiedPasswords.Lifetime);
        Assert.False(cache.Contains("alice", "pw"));

        for (var i = 0; i <= VerifiedPasswords.Capacity; i++)
        {
            cache.Add("user" + i, "pw");
        }

        Assert.True(cache.Count <= VerifiedPasswords.Capacity);
    }
}

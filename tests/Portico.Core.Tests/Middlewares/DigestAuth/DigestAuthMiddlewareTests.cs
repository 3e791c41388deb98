using Portico.Configuration;
using Portico.Middlewares.DigestAuth;
using Portico.Tests.Middlewares.BasicAuth;

namespace Portico.Tests.Middlewares.DigestAuth;

public sealed class DigestAuthMiddlewareTests
{
    // md5("alice:traefik:wonderland"), as htdigest writes it.
    private static readonly string s_ha1 = DigestAuthMiddleware.Md5Hex("alice:traefik:wonderland");

    private static string Yaml => $"digestAuth:\n  users: [\"alice:traefik:{s_ha1}\", \"bob:other:{s_ha1}\"]\n  headerField: X-User";

    [Fact]
    public void ResponseFormulaMatchesTheRfc2617Example()
    {
        // RFC 2617 §3.5: Mufasa / "Circle Of Life" at testrealm@host.com.
        var ha1 = DigestAuthMiddleware.Md5Hex("Mufasa:testrealm@host.com:Circle Of Life");
        var ha2 = DigestAuthMiddleware.Md5Hex("GET:/dir/index.html");

        var response = DigestAuthMiddleware.Md5Hex($"{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}");

        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    public static TheoryData<string, string, string, string, int, bool> Attempts => new()
    {
        // scenario, user, password, uri, expected status, stale
        { "right password", "alice", "wonderland", "/path?q=1", 200, false },
        { "wrong password", "alice", "looking-glass", "/path?q=1", 401, false },
        { "user of another realm", "bob", "wonderland", "/path?q=1", 401, false },
        { "digest for another URI", "alice", "wonderland", "/other", 401, false },
        { "URI without the query, as go-http-auth allows", "alice", "wonderland", "/path", 200, false },
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task TheDigestIsCheckedAsync(string scenario, string user, string password, string uri, int expected, bool stale)
    {
        var harness = AuthHarness.Create(Yaml);
        var challenge = await ChallengeAsync(harness);

        var context = await SendAsync(harness, challenge, user, password, uri, "00000001", path: "/path?q=1");

        Assert.True(expected == context.Response.StatusCode, scenario);
        Assert.Equal(stale, context.Response.Headers.WWWAuthenticate.ToString().Contains("stale=true", StringComparison.Ordinal));
        if (expected == 200)
        {
            Assert.Equal(user, harness.Passed!.Headers["X-User"].ToString());
            var ha1 = DigestAuthMiddleware.Md5Hex($"{user}:traefik:{password}");
            var rspauth = DigestAuthMiddleware.Md5Hex($"{ha1}:{challenge.Nonce}:00000001:c0ffee:auth:{DigestAuthMiddleware.Md5Hex(":" + uri)}");
            Assert.Equal($"qop=\"auth\", rspauth=\"{rspauth}\", cnonce=\"c0ffee\", nc=\"00000001\"", context.Response.Headers["Authentication-Info"].ToString());
        }
    }

    [Fact]
    public async Task TheChallengeIsGoHttpAuthsAsync()
    {
        var harness = AuthHarness.Create(Yaml);

        var context = await harness.SendAsync(null);

        Assert.Equal(401, context.Response.StatusCode);
        Assert.Matches("^Digest realm=\"traefik\", nonce=\"[A-Za-z0-9+/]{16}\", opaque=\"[A-Za-z0-9+/]{16}\", algorithm=MD5, qop=\"auth\"$", context.Response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task NonceCountsMustIncreaseAndNoncesExpireAsync()
    {
        var harness = AuthHarness.Create(Yaml + "\n  removeHeader: true");
        var challenge = await ChallengeAsync(harness);

        Assert.Equal(200, (await SendAsync(harness, challenge, "alice", "wonderland", "/", "00000001")).Response.StatusCode);
        Assert.False(harness.Passed!.Headers.ContainsKey("Authorization"));

        var replay = await SendAsync(harness, challenge, "alice", "wonderland", "/", "00000001");
        Assert.Equal(401, replay.Response.StatusCode);
        Assert.EndsWith(", stale=true", replay.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);

        Assert.Equal(200, (await SendAsync(harness, challenge, "alice", "wonderland", "/", "00000002")).Response.StatusCode);

        harness.Clock.Advance(DigestNonces.Lifetime);
        var expired = await SendAsync(harness, challenge, "alice", "wonderland", "/", "00000003");
        Assert.Equal(401, expired.Response.StatusCode);
        Assert.Contains("stale=true", expired.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qop=auth-int")]
    [InlineData("algorithm=SHA-256")]
    [InlineData("opaque=wrong")]
    public async Task OnlyWhatTheServerOfferedIsAcceptedAsync(string change)
    {
        var harness = AuthHarness.Create(Yaml);
        var challenge = await ChallengeAsync(harness);
        var header = Authorization(challenge, "alice", "wonderland", "/", "00000001", "GET");
        var (name, value) = (change.Split('=')[0], change.Split('=')[1]);
        var changed = System.Text.RegularExpressions.Regex.Replace(header, name + "=\"?[^\",]*\"?", $"{name}=\"{value}\"");
        if (!changed.Contains(name + "=", StringComparison.Ordinal))
        {
            changed += $", {name}=\"{value}\"";
        }

        Assert.Equal(401, (await harness.SendAsync(changed)).Response.StatusCode);
    }

    [Theory]
    [InlineData("digestAuth:\n  users: [\"alice:traefik\"]", "digestAuth users are written name:realm:hash")]
    [InlineData("digestAuth:\n  users: [\"alice:traefik:nothex\"]", "user \"alice\": the digest hash must be 32 hexadecimal characters")]
    [InlineData("digestAuth: {}", "needs at least one user")]
    public void BadOptionsAreErrorsNamingTheUser(string yaml, string expected)
    {
        var errors = new List<ConfigError>();

        Assert.Null(AuthHarness.Build(yaml, errors));
        Assert.Contains(errors, e => e.Item == "middleware \"m@file\"" && e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Digest username=\"a b\", nc=00000001, uri=\"/x,y\"", "a b|00000001|/x,y")]
    [InlineData("digest   username=\"q\\\"uote\" ,nc=1,uri=/", "q\"uote|1|/")]
    public void ParametersParse(string header, string expected)
    {
        var parameters = DigestParameters.Parse(header)!;

        Assert.Equal(expected, $"{parameters["username"]}|{parameters["nc"]}|{parameters["uri"]}");
    }

    internal sealed record Challenge(string Nonce, string Opaque);

    private static async Task<Challenge> ChallengeAsync(AuthHarness harness)
    {
        var header = (await harness.SendAsync(null)).Response.Headers.WWWAuthenticate.ToString();
        var parameters = DigestParameters.Parse(header)!;
        return new Challenge(parameters["nonce"], parameters["opaque"]);
    }

    private static Task<Microsoft.AspNetCore.Http.HttpContext> SendAsync(AuthHarness harness, Challenge challenge, string user, string password, string uri, string nc, string path = "/")
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return harness.SendAsync(Authorization(challenge, user, password, uri, nc, "GET"), path: query < 0 ? path : path[..query]);
    }

    /// <summary>What a client computes (RFC 2617 §3.2.2), written out independently of the middleware.</summary>
    private static string Authorization(Challenge challenge, string user, string password, string uri, string nc, string method)
    {
        var ha1 = DigestAuthMiddleware.Md5Hex($"{user}:traefik:{password}");
        var ha2 = DigestAuthMiddleware.Md5Hex($"{method}:{uri}");
        var response = DigestAuthMiddleware.Md5Hex($"{ha1}:{challenge.Nonce}:{nc}:c0ffee:auth:{ha2}");
        return $"Digest username=\"{user}\", realm=\"traefik\", nonce=\"{challenge.Nonce}\", uri=\"{uri}\", algorithm=MD5, " +
            $"response=\"{response}\", opaque=\"{challenge.Opaque}\", qop=auth, nc={nc}, cnonce=\"c0ffee\"";
    }
}

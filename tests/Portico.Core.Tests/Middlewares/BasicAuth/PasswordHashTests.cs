using Portico.Middlewares.BasicAuth;

namespace Portico.Tests.Middlewares.BasicAuth;

/// <summary>bcrypt, MD5-crypt and SHA-1 against published test vectors and hashes written by Debian's htpasswd (apache2-utils).</summary>
public sealed class PasswordHashTests
{
    public static TheoryData<string, string, string> Matching => new()
    {
        // OpenBSD / jBCrypt test vectors.
        { "bcrypt vector: empty password", "", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s." },
        { "bcrypt vector: a", "a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe" },
        { "bcrypt vector: abc", "abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i" },
        { "bcrypt vector: alphabet", "abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC" },
        { "bcrypt vector: symbols", "~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO" },
        { "htpasswd -B cost 5", "correct horse", "$2y$05$OqbC6PcI7Her/9MFuDjZnOMxxZwdNRKX4Eaf2BtsUpmlwBNq/rgoW" },
        { "htpasswd -B non-ASCII", "pässwörd€", "$2y$04$5iLA1wiTSECMMB0Jn41AVejVpiB0mXEQhH0JsYCMCu1YiNr4.C4G." },
        { "htpasswd -B 80 bytes uses the first 72", new string('x', 80), "$2y$04$Nrg6K.GYH06E5oP0ROrn8.s2GsFrqlHnIYh9lxPkdjYsCJ0mNzCUC" },
        { "bcrypt cuts at 72 bytes", new string('x', 72) + "ignored", "$2y$04$Nrg6K.GYH06E5oP0ROrn8.s2GsFrqlHnIYh9lxPkdjYsCJ0mNzCUC" },
        { "htpasswd -m non-ASCII", "pässwörd", "$apr1$YW1LaUpD$A7PndBw5PTK91VfOu.iDG/" },
        { "htpasswd -m empty password", "", "$apr1$38qdHZ.M$bDi/6noZnBzxAeJp47tjT/" },
        { "openssl passwd -1 ($1$)", "password", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/" },
        { "htpasswd -s", "secret", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=" },
    };

    [Theory]
    [MemberData(nameof(Matching))]
    public void TheRightPasswordMatches(string scenario, string password, string hash)
    {
        var parsed = HtpasswdHash.Parse(hash, out var error);
        Assert.True(parsed is not null, $"{scenario}: {error}");
        Assert.True(parsed.Verify(password), scenario);
        if (System.Text.Encoding.UTF8.GetByteCount(password) < 72)
        {
            Assert.False(parsed.Verify(password + "!"), scenario);
            Assert.False(parsed.Verify(password.Length > 0 ? password[..^1] : "x"), scenario);
        }
    }

    [Theory]
    [InlineData("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")]
    [InlineData("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    public void BcryptReproducesTheVectorFromItsSalt(string password, string expected)
    {
        Span<byte> salt = stackalloc byte[17];
        Bcrypt.Decode(expected.AsSpan(7, 22), salt);

        var hash = Bcrypt.HashPassword(password, 6, salt[..16]);

        Assert.Equal(expected[4..], hash[4..]);
    }

    [Theory]
    [InlineData("plain text", "unsupported password hash")]
    [InlineData("$2y$10$tooShort", "bcrypt hashes look like")]
    [InlineData("$2y$03$OqbC6PcI7Her/9MFuDjZnOMxxZwdNRKX4Eaf2BtsUpmlwBNq/rgoW", "cost must be between 04 and 31")]
    [InlineData("$2y$05$OqbC6PcI7Her/9MFuDjZnOMxxZwdNRKX4Eaf2BtsUpmlwBNq/rg!W", "not a bcrypt base64 character")]
    [InlineData("$2z$05$OqbC6PcI7Her/9MFuDjZnOMxxZwdNRKX4Eaf2BtsUpmlwBNq/rgoW", "bcrypt hashes look like")]
    [InlineData("$apr1$YW1LaUpD$A7PndBw5PTK91VfOu", "MD5 hashes look like")]
    [InlineData("$apr1$$A7PndBw5PTK91VfOu.iDG/", "MD5 hashes look like")]
    [InlineData("{SHA}not-base64", "{SHA} hashes are")]
    [InlineData("{SHA}c2hvcnQ=", "{SHA} hashes are")]
    public void MalformedHashesAreRefused(string hash, string expected)
    {
        Assert.Null(HtpasswdHash.Parse(hash, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> HtpasswdRuns => new()
    {
        { "-B", "plain" },
        { "-B", "with spaces and :colons:" },
        { "-m", "plain" },
        { "-m", "a much longer password that spans more than sixteen bytes" },
        { "-s", "plain" },
    };

    /// <summary>Hashes written just now by the real htpasswd (package apache2-utils), with fresh salts every run.</summary>
    [Theory]
    [MemberData(nameof(HtpasswdRuns))]
    public void HashesFromHtpasswdVerify(string flag, string password)
    {
        var output = Htpasswd.Run(flag, "-C", "4", "user", password).Trim();
        var hash = output["user:".Length..];

        var parsed = HtpasswdHash.Parse(hash, out var error);
        Assert.True(parsed is not null, $"{hash}: {error}");
        Assert.True(parsed.Verify(password), hash);
        Assert.False(parsed.Verify(password + "x"), hash);
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Portico.Middlewares.BasicAuth;

/// <summary>The hash kinds htpasswd writes and Traefik (go-http-auth) accepts.</summary>
internal enum HashKind
{
    Bcrypt,
    Md5Crypt,
    Sha1,
}

/// <summary>One user's password hash, validated when the configuration is built so a typo is a config error, not a silent 401.</summary>
internal sealed class HtpasswdHash
{
    private readonly string _hash;

    private HtpasswdHash(string hash, HashKind kind)
    {
        _hash = hash;
        Kind = kind;
    }

    public HashKind Kind { get; }

    /// <summary>Parses a hash; returns null with <paramref name="error"/> when the format is unknown or malformed.</summary>
    public static HtpasswdHash? Parse(string hash, out string? error)
    {
        if (hash.StartsWith("$2", StringComparison.Ordinal))
        {
            error = Bcrypt.Validate(hash);
            return error is null ? new HtpasswdHash(hash, HashKind.Bcrypt) : null;
        }

        if (hash.StartsWith("$apr1$", StringComparison.Ordinal) || hash.StartsWith("$1$", StringComparison.Ordinal))
        {
            error = Md5Crypt.Validate(hash);
            return error is null ? new HtpasswdHash(hash, HashKind.Md5Crypt) : null;
        }

        if (hash.StartsWith("{SHA}", StringComparison.Ordinal))
        {
            Span<byte> digest = stackalloc byte[24];
            error = Convert.TryFromBase64String(hash[5..], digest, out var written) && written == SHA1.HashSizeInBytes
                ? null
                : "{SHA} hashes are {SHA} followed by the base64 of a 20-byte SHA-1 digest";
            return error is null ? new HtpasswdHash(hash, HashKind.Sha1) : null;
        }

        error = "unsupported password hash: use bcrypt ($2y$), MD5 ($apr1$) or SHA-1 ({SHA}), for example from htpasswd -nB";
        return null;
    }

    public bool Verify(string password) => Kind switch
    {
        HashKind.Bcrypt => Bcrypt.Verify(password, _hash),
        HashKind.Md5Crypt => Md5Crypt.Verify(password, _hash),
        _ => VerifySha1(password),
    };

    private bool VerifySha1(string password)
    {
        Span<byte> expected = stackalloc byte[24];
        Convert.TryFromBase64String(_hash[5..], expected, out _);
        Span<byte> actual = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.UTF8.GetBytes(password), actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected[..SHA1.HashSizeInBytes]);
    }
}

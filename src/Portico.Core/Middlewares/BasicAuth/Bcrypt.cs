using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portico.Middlewares.BasicAuth;

/// <summary>
/// bcrypt (Provos and Mazières' EksBlowfish) for verifying htpasswd hashes: the BCL has no bcrypt. The prefixes
/// <c>$2a$</c>, <c>$2b$</c>, <c>$2x$</c> and <c>$2y$</c> are treated alike, as Go's bcrypt does in Traefik: the key is the
/// UTF-8 password plus a NUL byte, used cyclically and cut at 72 bytes.
/// </summary>
internal static class Bcrypt
{
    /// <summary>bcrypt's own base64 alphabet (not RFC 4648's order).</summary>
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private const int SaltBytes = 16;
    private const int HashChars = 31;
    private const int MaxKeyBytes = 72;

    private static ReadOnlySpan<byte> MagicText => "OrpheanBeholderScryDoubt"u8;

    /// <summary>Checks the shape of <c>$2y$NN$</c> + 22 salt characters + 31 hash characters; returns null or the problem.</summary>
    public static string? Validate(string hash)
    {
        if (hash.Length != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$' || "abxy".IndexOf(hash[2]) < 0)
        {
            return "bcrypt hashes look like $2y$10$ followed by 53 characters";
        }

        if (!int.TryParse(hash.AsSpan(4, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cost) || cost is < 4 or > 31)
        {
            return "the bcrypt cost must be between 04 and 31";
        }

        foreach (var c in hash.AsSpan(7))
        {
            if (Alphabet.IndexOf(c) < 0)
            {
                return $"'{c}' is not a bcrypt base64 character";
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="password"/> matches a hash that passed <see cref="Validate"/>; the comparison is constant-time.</summary>
    public static bool Verify(string password, string hash)
    {
        var cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        Span<byte> salt = stackalloc byte[SaltBytes + 1];
        Decode(hash.AsSpan(7, 22), salt);
        Span<byte> computed = stackalloc byte[24];
        Hash(password, cost, salt[..SaltBytes], computed);
        Span<char> encoded = stackalloc char[HashChars + 1];
        Encode(computed[..23], encoded);
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshalBytes(encoded[..HashChars]), MemoryMarshalBytes(hash.AsSpan(29, HashChars)));
    }

    /// <summary>Produces a full <c>$2b$</c> hash; used by tests to cross-check <see cref="Verify"/>.</summary>
    public static string HashPassword(string password, int cost, ReadOnlySpan<byte> salt)
    {
        Span<byte> computed = stackalloc byte[24];
        Hash(password, cost, salt, computed);
        Span<char> saltText = stackalloc char[23];
        Encode(salt, saltText);
        Span<char> hashText = stackalloc char[32];
        Encode(computed[..23], hashText);
        return $"$2b${cost:D2}${saltText[..22]}{hashText[..HashChars]}";
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes(ReadOnlySpan<char> chars) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars);

    /// <summary>EksBlowfishSetup followed by 64 encryptions of "OrpheanBeholderScryDoubt".</summary>
    private static void Hash(string password, int cost, ReadOnlySpan<byte> salt, Span<byte> output)
    {
        var keyLength = Math.Min(Encoding.UTF8.GetByteCount(password) + 1, MaxKeyBytes);
        var keyBuffer = new byte[Math.Max(Encoding.UTF8.GetByteCount(password) + 1, MaxKeyBytes)];
        try
        {
            Encoding.UTF8.GetBytes(password, keyBuffer);
            var key = keyBuffer.AsSpan(0, keyLength);
            var state = new Blowfish();
            state.ExpandKey(key, salt);
            var rounds = 1L << cost;
            for (var i = 0L; i < rounds; i++)
            {
                state.ExpandKey(key);
                state.ExpandKey(salt);
            }

            Span<uint> text = stackalloc uint[6];
            for (var i = 0; i < 6; i++)
            {
                text[i] = BinaryPrimitives.ReadUInt32BigEndian(MagicText[(i * 4)..]);
            }

            for (var i = 0; i < 64; i++)
            {
                for (var j = 0; j < 6; j += 2)
                {
                    state.Encrypt(ref text[j], ref text[j + 1]);
                }
            }

            for (var i = 0; i < 6; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(output[(i * 4)..], text[i]);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBuffer);
        }
    }

    /// <summary>Decodes bcrypt base64 (no padding) into <paramref name="output"/>; trailing bits that do not fill a byte are dropped.</summary>
    internal static int Decode(ReadOnlySpan<char> text, Span<byte> output)
    {
        int bits = 0, value = 0, written = 0;
        foreach (var c in text)
        {
            value = (value << 6) | Alphabet.IndexOf(c);
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output[written++] = (byte)(value >> bits);
                value &= (1 << bits) - 1;
            }
        }

        return written;
    }

    internal static int Encode(ReadOnlySpan<byte> data, Span<char> output)
    {
        int bits = 0, value = 0, written = 0;
        foreach (var b in data)
        {
            value = (value << 8) | b;
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                output[written++] = Alphabet[(value >> bits) & 0x3F];
            }
        }

        if (bits > 0)
        {
            output[written++] = Alphabet[(value << (6 - bits)) & 0x3F];
        }

        return written;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Portico.Middlewares.BasicAuth;

/// <summary>
/// Poul-Henning Kamp's MD5-crypt as written by <c>htpasswd -m</c> (<c>$apr1$</c>) and by crypt(3) (<c>$1$</c>): the two differ
/// only in the magic string, and go-http-auth accepts both.
/// </summary>
internal static class Md5Crypt
{
    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Splits <c>$apr1$salt$hash</c>; returns null or the problem.</summary>
    public static string? Validate(string hash)
    {
        var magicEnd = hash.IndexOf('$', 1);
        var saltEnd = magicEnd < 0 ? -1 : hash.IndexOf('$', magicEnd + 1);
        if (saltEnd < 0 || saltEnd - magicEnd - 1 is < 1 or > 8 || hash.Length - saltEnd - 1 != 22)
        {
            return "MD5 hashes look like $apr1$ followed by a salt of 1 to 8 characters, '$' and 22 characters";
        }

        return null;
    }

    public static bool Verify(string password, string hash)
    {
        var magicEnd = hash.IndexOf('$', 1);
        var saltEnd = hash.IndexOf('$', magicEnd + 1);
        var computed = Crypt(password, hash[..(magicEnd + 1)], hash[(magicEnd + 1)..saltEnd]);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(hash));
    }

    /// <summary>The full hash string <c>magic + salt + "$" + 22 characters</c>.</summary>
    public static string Crypt(string password, string magic, string salt)
    {
        var pw = Encoding.UTF8.GetBytes(password);
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        var magicBytes = Encoding.ASCII.GetBytes(magic);

        // 1. The "alternate" sum of password, salt, password.
        var alternate = MD5.HashData([.. pw, .. saltBytes, .. pw]);

        // 2. The initial context: password, magic, salt, then bits of the alternate sum and the password.
        var context = new List<byte>(pw.Length * 3 + 32);
        context.AddRange(pw);
        context.AddRange(magicBytes);
        context.AddRange(saltBytes);
        for (var length = pw.Length; length > 0; length -= 16)
        {
            context.AddRange(alternate.AsSpan(0, Math.Min(16, length)));
        }

        for (var i = pw.Length; i != 0; i >>= 1)
        {
            context.Add((i & 1) != 0 ? (byte)0 : (pw.Length > 0 ? pw[0] : (byte)0));
        }

        var final = MD5.HashData(context.ToArray());

        // 3. A thousand rounds meant to slow down brute force (in 1995).
        var round = new List<byte>(pw.Length * 2 + 48);
        for (var i = 0; i < 1000; i++)
        {
            round.Clear();
            round.AddRange((i & 1) != 0 ? pw : final);
            if (i % 3 != 0)
            {
                round.AddRange(saltBytes);
            }

            if (i % 7 != 0)
            {
                round.AddRange(pw);
            }

            round.AddRange((i & 1) != 0 ? final : pw);
            final = MD5.HashData(round.ToArray());
        }

        // 4. A permuted base64 of the final sum.
        var sb = new StringBuilder(magic.Length + salt.Length + 23);
        sb.Append(magic).Append(salt).Append('$');
        To64(sb, (final[0] << 16) | (final[6] << 8) | final[12], 4);
        To64(sb, (final[1] << 16) | (final[7] << 8) | final[13], 4);
        To64(sb, (final[2] << 16) | (final[8] << 8) | final[14], 4);
        To64(sb, (final[3] << 16) | (final[9] << 8) | final[15], 4);
        To64(sb, (final[4] << 16) | (final[10] << 8) | final[5], 4);
        To64(sb, final[11], 2);
        return sb.ToString();
    }

    private static void To64(StringBuilder sb, int value, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sb.Append(Alphabet[value & 0x3F]);
            value >>= 6;
        }
    }
}

using System.Runtime.CompilerServices;

namespace Portico.Middlewares.BasicAuth;

/// <summary>The Blowfish state with bcrypt's salted key schedule (the "expensive key setup" of EksBlowfish).</summary>
internal sealed class Blowfish
{
    private readonly uint[] _p = BlowfishTables.P.ToArray();
    private readonly uint[] _s = BlowfishTables.S.ToArray();

    /// <summary>Mixes the key into P, then re-encrypts P and the S-boxes, XOR-ing the salt into the running block.</summary>
    public void ExpandKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        var keyPosition = 0;
        for (var i = 0; i < _p.Length; i++)
        {
            _p[i] ^= NextWord(key, ref keyPosition);
        }

        uint left = 0, right = 0;
        var saltPosition = 0;
        for (var i = 0; i < _p.Length; i += 2)
        {
            left ^= NextWord(salt, ref saltPosition);
            right ^= NextWord(salt, ref saltPosition);
            Encrypt(ref left, ref right);
            _p[i] = left;
            _p[i + 1] = right;
        }

        for (var i = 0; i < _s.Length; i += 2)
        {
            left ^= NextWord(salt, ref saltPosition);
            right ^= NextWord(salt, ref saltPosition);
            Encrypt(ref left, ref right);
            _s[i] = left;
            _s[i + 1] = right;
        }
    }

    /// <summary>Blowfish's plain key schedule (no salt), run 2^cost times with the key then the salt.</summary>
    public void ExpandKey(ReadOnlySpan<byte> key)
    {
        var keyPosition = 0;
        for (var i = 0; i < _p.Length; i++)
        {
            _p[i] ^= NextWord(key, ref keyPosition);
        }

        uint left = 0, right = 0;
        for (var i = 0; i < _p.Length; i += 2)
        {
            Encrypt(ref left, ref right);
            _p[i] = left;
            _p[i + 1] = right;
        }

        for (var i = 0; i < _s.Length; i += 2)
        {
            Encrypt(ref left, ref right);
            _s[i] = left;
            _s[i + 1] = right;
        }
    }

    public void Encrypt(ref uint left, ref uint right)
    {
        var p = _p;
        var s = _s;
        var l = left ^ p[0];
        var r = right;
        for (var i = 1; i < 16; i += 2)
        {
            r ^= F(s, l) ^ p[i];
            l ^= F(s, r) ^ p[i + 1];
        }

        left = r ^ p[17];
        right = l;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint F(uint[] s, uint x) =>
        ((s[(int)(x >> 24)] + s[256 + (int)((x >> 16) & 0xFF)]) ^ s[512 + (int)((x >> 8) & 0xFF)]) + s[768 + (int)(x & 0xFF)];

    /// <summary>The next 32-bit big-endian word of <paramref name="data"/>, read cyclically.</summary>
    private static uint NextWord(ReadOnlySpan<byte> data, ref int position)
    {
        uint word = 0;
        for (var i = 0; i < 4; i++)
        {
            word = (word << 8) | data[position];
            position = position + 1 == data.Length ? 0 : position + 1;
        }

        return word;
    }
}

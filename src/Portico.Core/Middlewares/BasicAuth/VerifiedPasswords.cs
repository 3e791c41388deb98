using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Portico.Middlewares.BasicAuth;

/// <summary>
/// Remembers (user, password) pairs that passed a bcrypt check for a short while. bcrypt is slow on purpose (tens of
/// milliseconds at cost 10), and browsers send the credentials with every request, so without this cache every request
/// would burn that much CPU. Entries are keyed by an HMAC with a per-instance random key, so the cache never holds a
/// password or a digest that could be attacked offline more cheaply than the bcrypt hash itself. Only successes are
/// cached: a wrong password always pays the full bcrypt cost.
/// </summary>
internal sealed class VerifiedPasswords
{
    /// <summary>How long a success is remembered; a password change takes effect through a new configuration anyway.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<UInt128, long> _entries = new();
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;

    public VerifiedPasswords(TimeProvider time)
    {
        _time = time;
    }

    public int Count => _entries.Count;

    public bool Contains(string user, string password)
    {
        var key = Key(user, password);
        if (!_entries.TryGetValue(key, out var expires))
        {
            return false;
        }

        if (_time.GetTimestamp() < expires)
        {
            return true;
        }

        _entries.TryRemove(key, out _);
        return false;
    }

    public void Add(string user, string password)
    {
        if (_entries.Count >= Capacity)
        {
            // A full cache is simply emptied: entries are cheap to rebuild and this keeps memory bounded under attack.
            _entries.Clear();
        }

        var lifetime = (long)(Lifetime.TotalSeconds * _time.TimestampFrequency);
        _entries[Key(user, password)] = _time.GetTimestamp() + lifetime;
    }

    private UInt128 Key(string user, string password)
    {
        var input = Encoding.UTF8.GetBytes(user + "\0" + password);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, input, mac);
        CryptographicOperations.ZeroMemory(input);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(mac);
    }
}

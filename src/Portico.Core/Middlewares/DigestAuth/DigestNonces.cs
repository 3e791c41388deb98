using System.Security.Cryptography;

namespace Portico.Middlewares.DigestAuth;

/// <summary>The outcome of presenting a nonce with its nonce count.</summary>
internal enum NonceCheck
{
    Valid,

    /// <summary>Never issued, forgotten (evicted) or expired.</summary>
    Unknown,

    /// <summary>The nonce count did not increase: a replayed request.</summary>
    Replayed,
}

/// <summary>
/// The nonces handed out by one <c>digestAuth</c> instance and the highest nonce count seen for each, as go-http-auth keeps
/// them: at most <see cref="CacheSize"/> plus <see cref="CacheTolerance"/> clients, the least recently used dropped in
/// batches. Portico also expires a nonce unused for <see cref="Lifetime"/>, so a captured nonce is not valid forever.
/// </summary>
internal sealed class DigestNonces
{
    public const int CacheSize = 1000;
    public const int CacheTolerance = 100;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, Client> _clients = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _lifetime;

    public DigestNonces(TimeProvider time)
    {
        _time = time;
        _lifetime = (long)(Lifetime.TotalSeconds * time.TimestampFrequency);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    public string Issue()
    {
        // go-http-auth's RandomKey: 12 random bytes in base64.
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_clients.Count > CacheSize + CacheTolerance)
            {
                Purge(CacheTolerance * 2, now);
            }

            _clients[nonce] = new Client { LastSeen = now };
        }

        return nonce;
    }

    public NonceCheck Use(string nonce, ulong count)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!_clients.TryGetValue(nonce, out var client))
            {
                return NonceCheck.Unknown;
            }

            if (now - client.LastSeen >= _lifetime)
            {
                _clients.Remove(nonce);
                return NonceCheck.Unknown;
            }

            if (client.Count != 0 && client.Count >= count)
            {
                return NonceCheck.Replayed;
            }

            client.Count = count;
            client.LastSeen = now;
            return NonceCheck.Valid;
        }
    }

    /// <summary>Drops every expired nonce and then the <paramref name="atLeast"/> least recently used ones.</summary>
    private void Purge(int atLeast, long now)
    {
        var byAge = new List<KeyValuePair<string, Client>>(_clients);
        byAge.Sort(static (a, b) => a.Value.LastSeen.CompareTo(b.Value.LastSeen));
        var removed = 0;
        foreach (var (nonce, client) in byAge)
        {
            if (removed >= atLeast && now - client.LastSeen < _lifetime)
            {
                break;
            }

            _clients.Remove(nonce);
            removed++;
        }
    }

    private sealed class Client
    {
        public ulong Count { get; set; }

        public long LastSeen { get; set; }
    }
}

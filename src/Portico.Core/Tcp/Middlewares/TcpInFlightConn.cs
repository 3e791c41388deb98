using System.Net;

namespace Portico.Tcp.Middlewares;

/// <summary>
/// Traefik's <c>inFlightConn</c>: counts the open connections of each client IP and closes a new one when that IP
/// already has <c>amount</c> open. Counters are removed when they fall back to zero, so memory follows the open
/// connections, not every address ever seen.
/// </summary>
internal sealed class TcpInFlightConn(string name, long amount) : ITcpMiddleware
{
    /// <summary>Connections without a known address share one counter.</summary>
    private static readonly IPAddress s_unknown = IPAddress.IPv6None;

    private readonly Dictionary<IPAddress, long> _open = [];
    private readonly Lock _lock = new();

    public string Name { get; } = name;

    public bool TryEnter(IPAddress? client)
    {
        var key = Key(client);
        lock (_lock)
        {
            _open.TryGetValue(key, out var count);
            if (count >= amount)
            {
                return false;
            }

            _open[key] = count + 1;
            return true;
        }
    }

    public void Leave(IPAddress? client)
    {
        var key = Key(client);
        lock (_lock)
        {
            if (_open.TryGetValue(key, out var count))
            {
                if (count <= 1)
                {
                    _open.Remove(key);
                }
                else
                {
                    _open[key] = count - 1;
                }
            }
        }
    }

    /// <summary>How many connections <paramref name="client"/> has open (for tests and diagnostics).</summary>
    public long OpenFor(IPAddress? client)
    {
        lock (_lock)
        {
            return _open.GetValueOrDefault(Key(client));
        }
    }

    private static IPAddress Key(IPAddress? client) =>
        client is null ? s_unknown : client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
}

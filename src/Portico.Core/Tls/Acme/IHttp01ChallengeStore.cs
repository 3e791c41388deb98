using System.Collections.Concurrent;

namespace Portico.Tls.Acme;

/// <summary>
/// Pending HTTP-01 challenges: token → key authorization. The HTTP entry point answers
/// <c>GET /.well-known/acme-challenge/&lt;token&gt;</c> from it while the CA validates.
/// </summary>
internal interface IHttp01ChallengeStore
{
    void Add(string token, string keyAuthorization);

    void Remove(string token);

    bool TryGet(string token, out string keyAuthorization);
}

/// <summary>The in-process store; enough because the process that asks the CA also serves port 80.</summary>
internal sealed class InMemoryHttp01ChallengeStore : IHttp01ChallengeStore
{
    /// <summary>The path prefix the CA requests (RFC 8555 §8.3).</summary>
    public const string PathPrefix = "/.well-known/acme-challenge/";

    private readonly ConcurrentDictionary<string, string> _challenges = new(StringComparer.Ordinal);

    public void Add(string token, string keyAuthorization) => _challenges[token] = keyAuthorization;

    public void Remove(string token) => _challenges.TryRemove(token, out _);

    public bool TryGet(string token, out string keyAuthorization) => _challenges.TryGetValue(token, out keyAuthorization!);
}

namespace Portico.Tls.Acme;

/// <summary>
/// Answers one ACME challenge type for the issuance flow: HTTP-01 (a token served on port 80), TLS-ALPN-01 (a
/// challenge certificate served on port 443 for ALPN <c>acme-tls/1</c>) or DNS-01 (a TXT record). The client presents
/// every authorization's challenge before telling the CA to validate, and cleans each one up afterwards, also on failure.
/// </summary>
internal interface IAcmeChallengeSolver
{
    /// <summary>The RFC 8555 challenge type this solver answers, e.g. <see cref="AcmeChallenge.Http01"/>.</summary>
    string ChallengeType { get; }

    /// <summary>
    /// Makes the challenge answerable and returns once the CA can validate it (a DNS solver waits for propagation here).
    /// </summary>
    Task PresentAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken);

    /// <summary>Removes what <see cref="PresentAsync"/> published; must not throw for a challenge never presented.</summary>
    Task CleanupAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken);
}

/// <summary>
/// A challenge to answer: the authorization's identifier (without the <c>*.</c> of a wildcard order, as the CA sends
/// it), whether the order asked for the wildcard, the challenge token and its key authorization (RFC 8555 §8.1).
/// </summary>
internal sealed record AcmePendingChallenge(string Domain, bool Wildcard, string Token, string KeyAuthorization);

/// <summary>HTTP-01 (RFC 8555 §8.3): the key authorization is served at <c>/.well-known/acme-challenge/&lt;token&gt;</c>.</summary>
internal sealed class Http01ChallengeSolver(IHttp01ChallengeStore store) : IAcmeChallengeSolver
{
    public string ChallengeType => AcmeChallenge.Http01;

    public Task PresentAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken)
    {
        store.Add(challenge.Token, challenge.KeyAuthorization);
        return Task.CompletedTask;
    }

    public Task CleanupAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken)
    {
        store.Remove(challenge.Token);
        return Task.CompletedTask;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// Publishes and removes the TXT record of a DNS-01 challenge at a DNS host, like a lego DNS provider. Providers are
/// configured through environment variables named as in lego (e.g. <c>EXEC_PATH</c>), so a Traefik setup carries over.
/// </summary>
internal interface IDnsProvider
{
    /// <summary>The name used in <c>dnsChallenge.provider</c>.</summary>
    string Name { get; }

    /// <summary>How long the propagation check waits for the record (<c>&lt;PROVIDER&gt;_PROPAGATION_TIMEOUT</c>).</summary>
    TimeSpan PropagationTimeout { get; }

    /// <summary>The pause between two propagation checks (<c>&lt;PROVIDER&gt;_POLLING_INTERVAL</c>).</summary>
    TimeSpan PollingInterval { get; }

    Task PresentAsync(DnsChallengeRecord record, CancellationToken cancellationToken);

    Task CleanupAsync(DnsChallengeRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// What a provider may need about one challenge: the record name <c>_acme-challenge.&lt;domain&gt;.</c> (with the
/// trailing dot), its value base64url(SHA-256(key authorization)) (RFC 8555 §8.4), and the raw domain, token and key
/// authorization for providers in lego's RAW mode.
/// </summary>
internal sealed record DnsChallengeRecord(string Fqdn, string Value, string Domain, string Token, string KeyAuthorization)
{
    public const string Label = "_acme-challenge.";

    public static DnsChallengeRecord From(AcmePendingChallenge challenge) => new(
        Label + challenge.Domain.TrimEnd('.') + ".",
        Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(challenge.KeyAuthorization))),
        challenge.Domain,
        challenge.Token,
        challenge.KeyAuthorization);
}

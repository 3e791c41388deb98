using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Portico.Configuration.Static;
using Portico.Runtime;
using Portico.Tls.Acme;

namespace Portico.Providers.Acme;

/// <summary>
/// One <c>certificatesResolvers.&lt;name&gt;.acme</c>: its account and stored certificates, and the reconciliation that
/// obtains a certificate for every domain set its routers ask for that no stored certificate covers, or renews one
/// within the renewal period of Traefik's table for <c>certificatesDuration</c> (<see cref="AcmeRenewal"/>).
/// </summary>
internal sealed partial class AcmeResolver(
    string name,
    AcmeResolverConfig config,
    AcmeStorageFile storage,
    IReadOnlyList<IAcmeChallengeSolver> solvers,
    Func<AcmeResolverConfig, HttpClient> httpFactory,
    TimeProvider time,
    ILogger logger,
    AcmeStatusBoard? status = null)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromHours(1);

    private readonly Dictionary<string, (DateTimeOffset At, TimeSpan Backoff)> _retries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _issuedAt = new(StringComparer.Ordinal);
    private readonly (TimeSpan RenewPeriod, TimeSpan CheckInterval) _renewal = AcmeRenewal.For(config.CertificatesDuration);
    private readonly AcmeStatusBoard _status = status ?? new AcmeStatusBoard();
    private HttpClient? _http;
    private AcmeClient? _client;

    public string Name => name;

    public AcmeResolverConfig Config => config;

    private IReadOnlyList<IAcmeChallengeSolver> Solvers => solvers;

    public AcmeStorageFile Storage => storage;

    public AcmeResolverData Data => storage.Data.TryGetValue(name, out var data) ? data : storage.Data[name] = new AcmeResolverData();

    /// <summary>When the next renewal or retry is due (null: nothing scheduled).</summary>
    public DateTimeOffset? NextDue { get; private set; }

    /// <summary>Obtains what is missing or due; returns whether the stored certificates changed. Runs under the storage gate.</summary>
    private async Task<bool> ReconcileUnderGateAsync(IReadOnlyList<RouterInfo> routers, CancellationToken cancellationToken)
    {
        var changed = false;
        var now = time.GetUtcNow();
        DateTimeOffset? next = null;

        // As Traefik, every stored certificate is renewed, also one no router asks for any more (an on-demand one, or
        // one a removed router needed). Those come after the routers' sets, lazily, so a certificate the routers'
        // loop already looked at is not handled twice. A renewal orders the stored certificate's own names, so two
        // routers covered by one certificate renew it once.
        var used = new HashSet<AcmeStoredCertificate>(ReferenceEqualityComparer.Instance);
        foreach (var wanted in WantedDomains(routers).Concat(StoredOnly(used)))
        {
            var covering = Data.Certificates.FirstOrDefault(c => Covers(c, wanted));
            if (covering is not null && !used.Add(covering))
            {
                continue;
            }

            var domains = covering is null ? wanted : CertificateDomains(covering);
            var key = string.Join(',', domains);

            var due = covering is null ? now : RenewalTime(covering);
            if (covering is not null && _issuedAt.TryGetValue(key, out var issuedAt) && issuedAt + _renewal.CheckInterval > due)
            {
                due = issuedAt + _renewal.CheckInterval;
            }

            if (_retries.TryGetValue(key, out var retry) && retry.At > due)
            {
                due = retry.At;
            }

            if (due > now)
            {
                next = Min(next, due);
                ReportWaiting(domains, covering, retry.At > now ? retry.At : null);
                continue;
            }

            try
            {
                LogObtaining(logger, name, key);
                var issued = await IssueAsync(domains, cancellationToken).ConfigureAwait(false);
                var stored = AcmeStoredCertificate.From(issued);
                Data.Certificates.RemoveAll(c => covering == c || SameDomains(c, domains));
                Data.Certificates.Add(stored);
                used.Add(stored);
                await storage.SaveAsync(cancellationToken).ConfigureAwait(false);
                _retries.Remove(key);
                _issuedAt[key] = now;
                var renewAt = RenewalTime(stored);
                next = Min(next, renewAt > now + _renewal.CheckInterval ? renewAt : now + _renewal.CheckInterval);
                ReportWaiting(domains, stored, null);
                changed = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A failing CA must not be hammered: retry this domain set with a doubling backoff, or later when the CA
                // said when (Retry-After on a rate limit).
                var backoff = retry.Backoff == TimeSpan.Zero ? FirstRetry : TimeSpan.FromTicks(Math.Min(retry.Backoff.Ticks * 2, MaxRetry.Ticks));
                var at = now + backoff;
                if (ex is AcmeException { RetryAfter: { } asked } && asked > at)
                {
                    at = asked;
                }

                _retries[key] = (at, backoff);
                next = Min(next, at);
                var error = AcmeLastError.From(ex, now);
                _status.Set(new AcmeDomainStatus(name, domains, AcmeStatusBoard.Failing, NotAfter(covering), covering is null ? null : RenewalTime(covering), error, at));
                LogFailed(logger, name, key, error.Type, error.Detail ?? string.Empty, error.Status, at, ex);
            }
        }

        NextDue = next;
        return changed;
    }

    /// <summary>The domain sets of the stored certificates not in <paramref name="used"/>, read when enumerated.</summary>
    private IEnumerable<string[]> StoredOnly(HashSet<AcmeStoredCertificate> used)
    {
        foreach (var certificate in Data.Certificates.ToArray())
        {
            if (!used.Contains(certificate) && !string.IsNullOrEmpty(certificate.Domain.Main))
            {
                yield return CertificateDomains(certificate);
            }
        }
    }

    private static string[] CertificateDomains(AcmeStoredCertificate certificate) =>
        [.. Names(certificate).Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];

    /// <summary>Each router's <c>tls.domains</c> entry, or else one set with all of its rule's hosts (as Traefik).</summary>
    private List<string[]> WantedDomains(IReadOnlyList<RouterInfo> routers)
    {
        var sets = new List<string[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var router in routers)
        {
            if (router.CertResolver is not { } resolver || !string.Equals(resolver, name, StringComparison.Ordinal))
            {
                continue;
            }

            var candidates = router.TlsDomains.Count > 0
                ? router.TlsDomains.Where(d => !string.IsNullOrEmpty(d.Main)).Select(d => new[] { d.Main! }.Concat(d.Sans))
                : router.RuleHosts.Count > 0 ? [router.RuleHosts] : [];
            foreach (var candidate in candidates)
            {
                var domains = candidate.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
                if (domains.Length > 0 && seen.Add(string.Join(',', domains)))
                {
                    sets.Add(domains);
                }
            }
        }

        return sets;
    }

    private static bool Covers(AcmeStoredCertificate certificate, string[] domains)
    {
        var names = Names(certificate);
        return domains.All(d => names.Any(n => Matches(n, d)));
    }

    private static bool SameDomains(AcmeStoredCertificate certificate, string[] domains) =>
        Names(certificate).Order(StringComparer.Ordinal).SequenceEqual(domains.Order(StringComparer.Ordinal), StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<string> Names(AcmeStoredCertificate certificate) => [certificate.Domain.Main, .. certificate.Domain.Sans ?? []];

    /// <summary>An exact name, or a wildcard <c>*.example.com</c> covering exactly one more label.</summary>
    private static bool Matches(string name, string domain)
    {
        if (string.Equals(name, domain, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!name.StartsWith("*.", StringComparison.Ordinal))
        {
            return false;
        }

        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(domain[(dot + 1)..], name[2..], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The renewal period before expiry (Traefik's table); a certificate that does not parse is due now.</summary>
    private DateTimeOffset RenewalTime(AcmeStoredCertificate certificate) =>
        NotAfter(certificate) is { } notAfter ? notAfter - _renewal.RenewPeriod : time.GetUtcNow();

    private static DateTimeOffset? NotAfter(AcmeStoredCertificate? certificate)
    {
        if (certificate is null)
        {
            return null;
        }

        try
        {
            using var leaf = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(certificate.Certificate));
            return new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Records a domain set that is served (or not yet) and waits for its renewal or retry.</summary>
    private void ReportWaiting(string[] domains, AcmeStoredCertificate? certificate, DateTimeOffset? nextRetry)
    {
        var previous = nextRetry is null ? null : _status.Get(name, domains)?.LastError;
        _status.Set(new AcmeDomainStatus(name, domains, previous is not null ? AcmeStatusBoard.Failing : certificate is null ? AcmeStatusBoard.Pending : AcmeStatusBoard.Valid,
            NotAfter(certificate), certificate is null ? null : RenewalTime(certificate), previous, nextRetry));
    }

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } value && value < b ? value : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME resolver {Resolver}: obtaining a certificate for {Domains}")]
    private static partial void LogObtaining(ILogger logger, string resolver, string domains);

    [LoggerMessage(Level = LogLevel.Error, Message = "ACME resolver {Resolver}: could not obtain a certificate for {Domains}: {ProblemType} {ProblemDetail} (status {ProblemStatus}); retrying at {NextRetry:O}")]
    private static partial void LogFailed(ILogger logger, string resolver, string domains, string problemType, string problemDetail, int? problemStatus, DateTimeOffset nextRetry, Exception exception);
}

using System.Collections.Concurrent;
using Portico.Tls.Acme;

namespace Portico.Providers.Acme;

/// <summary>The last failure of one domain set: the CA's problem (or the transport error) and when it happened.</summary>
internal sealed record AcmeLastError(string Type, string? Detail, int? Status, DateTimeOffset Time)
{
    public static AcmeLastError From(Exception exception, DateTimeOffset time) => exception switch
    {
        AcmeException acme => new AcmeLastError(acme.Type, acme.Detail, acme.Problem.Status ?? (int?)acme.StatusCode, time),
        _ => new AcmeLastError("about:blank", exception.Message, null, time),
    };
}

/// <summary>What a resolver knows about one domain set it serves, for <c>/api/acme</c>.</summary>
internal sealed record AcmeDomainStatus(
    string Resolver,
    IReadOnlyList<string> Domains,
    string Status,
    DateTimeOffset? NotAfter,
    DateTimeOffset? RenewAt,
    AcmeLastError? LastError,
    DateTimeOffset? NextRetry);

/// <summary>
/// Per resolver and domain set, the state of its certificate and its last error: written by the ACME resolvers,
/// read by the API. Entries are replaced whole, so a reader never sees half an update.
/// </summary>
internal sealed class AcmeStatusBoard
{
    public const string Valid = "valid";
    public const string Failing = "error";
    public const string Pending = "pending";

    private readonly ConcurrentDictionary<(string Resolver, string Domains), AcmeDomainStatus> _entries = new();

    public void Set(AcmeDomainStatus status) => _entries[(status.Resolver, string.Join(',', status.Domains))] = status;

    public AcmeDomainStatus? Get(string resolver, IReadOnlyList<string> domains) =>
        _entries.TryGetValue((resolver, string.Join(',', domains)), out var status) ? status : null;

    /// <summary>Every entry, ordered by resolver then domains.</summary>
    public IReadOnlyList<AcmeDomainStatus> Snapshot() =>
        [.. _entries.OrderBy(e => e.Key.Resolver, StringComparer.Ordinal).ThenBy(e => e.Key.Domains, StringComparer.Ordinal).Select(e => e.Value)];
}

using Portico.Configuration.Static;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// DNS-01 (RFC 8555 §8.4): the provider publishes <c>_acme-challenge.&lt;domain&gt;</c> TXT = base64url(SHA-256(key
/// authorization)); then, unless <c>propagation.disableChecks</c>, the resolvers are polled until they answer with the
/// value or the provider's propagation timeout passes. The only challenge that proves a wildcard.
/// </summary>
internal sealed class Dns01ChallengeSolver : IAcmeChallengeSolver
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    private readonly AcmeDnsChallengeConfig _config;
    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _time;
    private readonly DnsClient _dns;
    private readonly Func<IReadOnlyList<DnsServerAddress>> _systemResolvers;
    private IDnsProvider? _provider;

    /// <param name="environment">Where the provider's variables come from: the process environment in production.</param>
    /// <param name="systemResolvers">The resolvers used when the configuration names none (/etc/resolv.conf by default).</param>
    public Dns01ChallengeSolver(AcmeDnsChallengeConfig config, Func<string, string?> environment, TimeProvider time, Func<IReadOnlyList<DnsServerAddress>>? systemResolvers = null)
    {
        _config = config;
        _environment = environment;
        _time = time;
        _dns = new DnsClient(time, QueryTimeout);
        _systemResolvers = systemResolvers ?? DnsServerAddress.System;
    }

    /// <summary>RFC 8555's name for the challenge (kept here rather than in AcmeModels, which other solvers also extend).</summary>
    public const string Type = "dns-01";

    public string ChallengeType => Type;

    public async Task PresentAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken)
    {
        var provider = GetProvider();
        var record = DnsChallengeRecord.From(challenge);
        await provider.PresentAsync(record, cancellationToken).ConfigureAwait(false);

        var delay = _config.EffectiveDelayBeforeChecks();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }

        if (!_config.EffectiveDisableChecks())
        {
            await WaitForPropagationAsync(provider, record, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task CleanupAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken) =>
        GetProvider().CleanupAsync(DnsChallengeRecord.From(challenge), cancellationToken);

    /// <summary>The provider, created on first use so that a missing variable fails an issuance, not the start.</summary>
    private IDnsProvider GetProvider() =>
        _provider ??= DnsProviders.Create(_config.Provider ?? string.Empty, _environment);

    /// <summary>
    /// Polls every <see cref="IDnsProvider.PollingInterval"/> until one resolver (all with <c>requireAllRNS</c>) answers
    /// the TXT value; fails with the last observation once <see cref="IDnsProvider.PropagationTimeout"/> has passed.
    /// </summary>
    private async Task WaitForPropagationAsync(IDnsProvider provider, DnsChallengeRecord record, CancellationToken cancellationToken)
    {
        var servers = Servers();
        var deadline = _time.GetUtcNow() + provider.PropagationTimeout;
        var last = string.Empty;
        while (true)
        {
            var found = 0;
            foreach (var server in servers)
            {
                try
                {
                    var endPoint = await server.ResolveAsync(cancellationToken).ConfigureAwait(false);
                    var values = await _dns.LookupTxtAsync(endPoint, record.Fqdn, cancellationToken).ConfigureAwait(false);
                    if (values.Contains(record.Value, StringComparer.Ordinal))
                    {
                        found++;
                    }
                    else
                    {
                        last = $"{server} answered {values.Count} other value(s)";
                    }
                }
                catch (Exception ex) when (ex is AcmeException or System.Net.Sockets.SocketException)
                {
                    last = ex.Message;
                }
            }

            if (_config.Propagation?.RequireAllRNS == true ? found == servers.Count : found > 0)
            {
                return;
            }

            if (_time.GetUtcNow() + provider.PollingInterval > deadline)
            {
                throw new AcmeException(
                    $"DNS provider {provider.Name}: the TXT record {record.Fqdn} did not propagate within {provider.PropagationTimeout} ({last})");
            }

            await Task.Delay(provider.PollingInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private IReadOnlyList<DnsServerAddress> Servers()
    {
        if (_config.Resolvers.Count == 0)
        {
            return _systemResolvers();
        }

        var servers = new List<DnsServerAddress>(_config.Resolvers.Count);
        foreach (var text in _config.Resolvers)
        {
            servers.Add(DnsServerAddress.TryParse(text, out var server) ? server : throw new AcmeException($"DNS resolver \"{text}\" is not host:port"));
        }

        return servers;
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portico.Tls.Acme;

internal sealed partial class AcmeClient
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(5);

    /// <summary>Creates the account, or finds the existing one for this key (the server answers 200 with its URL).</summary>
    public async Task<AcmeAccount> CreateAccountAsync(IReadOnlyList<string> emails, bool termsOfServiceAgreed, CancellationToken cancellationToken)
    {
        var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
        var contact = new List<string>(emails.Count);
        foreach (var email in emails)
        {
            contact.Add("mailto:" + email);
        }

        var fields = new Dictionary<string, object> { ["termsOfServiceAgreed"] = termsOfServiceAgreed, ["contact"] = contact };
        if (ExternalAccountBinding is { } eab)
        {
            fields["externalAccountBinding"] = ExternalAccountBindingJws(eab.Kid, eab.MacKey, directory.NewAccount);
        }

        var payload = JsonSerializer.Serialize(fields);
        var response = await PostAsync(directory.NewAccount, payload, useJwk: true, cancellationToken).ConfigureAwait(false);
        AccountUrl = response.Location ?? throw new AcmeException("The ACME server created an account without a Location header.");
        return new AcmeAccount(AccountUrl, Encoding.UTF8.GetString(response.Body));
    }

    public async Task<AcmeOrder> NewOrderAsync(IReadOnlyList<string> dnsNames, CancellationToken cancellationToken)
    {
        var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
        var identifiers = new List<Dictionary<string, string>>(dnsNames.Count);
        foreach (var name in dnsNames)
        {
            identifiers.Add(new() { ["type"] = "dns", ["value"] = name });
        }

        var payload = JsonSerializer.Serialize(new Dictionary<string, object> { ["identifiers"] = identifiers });
        var response = await PostAsync(directory.NewOrder, payload, useJwk: false, cancellationToken).ConfigureAwait(false);
        var url = response.Location ?? throw new AcmeException("The ACME server created an order without a Location header.");
        using var json = response.Json();
        return AcmeOrder.Parse(url, json.RootElement);
    }

    public async Task<AcmeOrder> GetOrderAsync(Uri url, CancellationToken cancellationToken)
    {
        var response = await PostAsync(url, null, useJwk: false, cancellationToken).ConfigureAwait(false);
        using var json = response.Json();
        return AcmeOrder.Parse(url, json.RootElement);
    }

    public async Task<AcmeAuthorization> GetAuthorizationAsync(Uri url, CancellationToken cancellationToken)
    {
        var response = await PostAsync(url, null, useJwk: false, cancellationToken).ConfigureAwait(false);
        using var json = response.Json();
        return AcmeAuthorization.Parse(url, json.RootElement);
    }

    /// <summary>Tells the CA the challenge is ready to be validated (POST {}).</summary>
    public async Task<AcmeChallenge> RespondToChallengeAsync(Uri challengeUrl, CancellationToken cancellationToken)
    {
        var response = await PostAsync(challengeUrl, "{}", useJwk: false, cancellationToken).ConfigureAwait(false);
        using var json = response.Json();
        return AcmeChallenge.Parse(json.RootElement);
    }

    /// <summary>Polls an authorization until it is valid; an invalid one throws with the challenge's problem.</summary>
    public async Task<AcmeAuthorization> WaitForAuthorizationAsync(Uri url, CancellationToken cancellationToken)
    {
        var delay = FirstPollDelay;
        var deadline = _time.GetUtcNow() + PollTimeout;
        while (true)
        {
            var authorization = await GetAuthorizationAsync(url, cancellationToken).ConfigureAwait(false);
            switch (authorization.Status)
            {
                case "valid":
                    return authorization;
                case "pending" or "processing":
                    break;
                default:
                    throw new AcmeException(authorization.FirstError()
                        ?? new AcmeProblem("about:blank", $"Authorization for {authorization.Identifier} is {authorization.Status}.", null, []));
            }

            delay = await BackOffAsync(delay, deadline, $"authorization for {authorization.Identifier}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the CSR and polls the order until the certificate URL is available.</summary>
    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csrDer, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, string> { ["csr"] = Base64Url.Encode(csrDer) });
        var response = await PostAsync(order.Finalize, payload, useJwk: false, cancellationToken).ConfigureAwait(false);
        using (var json = response.Json())
        {
            order = AcmeOrder.Parse(order.Url, json.RootElement);
        }

        var delay = FirstPollDelay;
        var deadline = _time.GetUtcNow() + PollTimeout;
        while (true)
        {
            switch (order.Status)
            {
                case "valid" when order.Certificate is not null:
                    return order;
                case "invalid":
                    throw new AcmeException(order.Error ?? new AcmeProblem("about:blank", "The order became invalid.", null, []));
            }

            delay = await BackOffAsync(delay, deadline, "order finalization", cancellationToken).ConfigureAwait(false);
            order = await GetOrderAsync(order.Url, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads the PEM chain (POST-as-GET, application/pem-certificate-chain).</summary>
    public async Task<string> DownloadCertificateAsync(Uri certificateUrl, CancellationToken cancellationToken) =>
        (await DownloadChainAsync(certificateUrl, cancellationToken).ConfigureAwait(false)).Pem;

    private async Task<(string Pem, IReadOnlyList<Uri> Alternates)> DownloadChainAsync(Uri certificateUrl, CancellationToken cancellationToken)
    {
        var response = await PostAsync(certificateUrl, null, useJwk: false, cancellationToken).ConfigureAwait(false);
        return (Encoding.UTF8.GetString(response.Body), response.Alternates);
    }

    /// <summary>
    /// The whole issuance: order, present every pending authorization's challenge through the first solver whose
    /// challenge type the CA offers for it (the list is in order of preference), ask for
    /// validation, wait, finalize with a fresh key of <see cref="CertificateKeyType"/> and download the (preferred) chain. Every presented challenge is
    /// cleaned up at the end, also when validation fails.
    /// </summary>
    public async Task<AcmeCertificate> IssueAsync(IReadOnlyList<string> dnsNames, IReadOnlyList<IAcmeChallengeSolver> solvers, CancellationToken cancellationToken)
    {
        var order = await NewOrderAsync(dnsNames, cancellationToken).ConfigureAwait(false);
        var presented = new List<(IAcmeChallengeSolver Solver, AcmePendingChallenge Challenge)>();
        try
        {
            var pending = new List<(Uri Authorization, Uri Challenge)>();
            foreach (var authorizationUrl in order.Authorizations)
            {
                var authorization = await GetAuthorizationAsync(authorizationUrl, cancellationToken).ConfigureAwait(false);
                if (authorization.Status == "valid")
                {
                    continue;
                }

                var (solver, challenge) = Choose(authorization, solvers);
                var info = new AcmePendingChallenge(authorization.Identifier, authorization.Wildcard, challenge.Token!, GetKeyAuthorization(challenge.Token!));
                presented.Add((solver, info));
                await solver.PresentAsync(info, cancellationToken).ConfigureAwait(false);
                pending.Add((authorizationUrl, challenge.Url));
            }

            // All challenges are published before the CA is asked to validate any, so a DNS solver's propagation wait
            // and the CA's validation attempts overlap as little as possible with half-published state.
            foreach (var (_, challengeUrl) in pending)
            {
                await RespondToChallengeAsync(challengeUrl, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (authorizationUrl, _) in pending)
            {
                await WaitForAuthorizationAsync(authorizationUrl, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var (solver, info) in presented)
            {
                await solver.CleanupAsync(info, CancellationToken.None).ConfigureAwait(false);
            }
        }

        using var key = CertificateKeys.Create(CertificateKeyType);
        order = await FinalizeAsync(order, CertificateKeys.CreateCsr(key, dnsNames), cancellationToken).ConfigureAwait(false);
        var chain = await DownloadPreferredChainAsync(order.Certificate!, cancellationToken).ConfigureAwait(false);
        return new AcmeCertificate(dnsNames, chain, key.ExportPkcs8PrivateKeyPem());
    }

    private static (IAcmeChallengeSolver Solver, AcmeChallenge Challenge) Choose(AcmeAuthorization authorization, IReadOnlyList<IAcmeChallengeSolver> solvers)
    {
        foreach (var solver in solvers)
        {
            if (authorization.Find(solver.ChallengeType) is { Token: not null } challenge)
            {
                return (solver, challenge);
            }
        }

        var types = string.Join(", ", solvers.Select(s => s.ChallengeType));
        var offered = string.Join(", ", authorization.Challenges.Select(c => c.Type));
        var name = authorization.Wildcard ? "*." + authorization.Identifier : authorization.Identifier;
        throw new AcmeException($"The ACME server offers no challenge Portico is configured to answer for {name} (configured: {types}; offered: {offered}).");
    }

    /// <summary>A CSR for an ECDSA key (kept for callers that bring their own key).</summary>
    public static byte[] CreateCsr(ECDsa key, IReadOnlyList<string> dnsNames) => CertificateKeys.CreateCsr(key, dnsNames);

    private async Task<TimeSpan> BackOffAsync(TimeSpan delay, DateTimeOffset deadline, string what, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow() + delay > deadline)
        {
            throw new AcmeException($"Timed out after {PollTimeout} waiting for the {what}.");
        }

        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        var next = delay * 2;
        return next > MaxPollDelay ? MaxPollDelay : next;
    }
}

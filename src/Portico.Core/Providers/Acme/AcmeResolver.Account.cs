using Microsoft.Extensions.Logging;
using Portico.Tls.Acme;

namespace Portico.Providers.Acme;

/// <summary>
/// The resolver's ACME account: loaded from acme.json when it still matches the configuration (same email, same CA
/// host, as Traefik checks), registered otherwise (with External Account Binding when configured), and registered
/// again when the CA no longer knows it (a CA that lost its state answers <c>accountDoesNotExist</c>).
/// </summary>
internal sealed partial class AcmeResolver
{
    /// <summary>Issues through the account, re-registering once when the CA says the stored account does not exist.</summary>
    private async Task<AcmeCertificate> IssueAsync(string[] domains, CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await client.IssueAsync(domains, solvers, cancellationToken).ConfigureAwait(false);
        }
        catch (AcmeException ex) when (ex.Type == AcmeProblem.AccountDoesNotExist)
        {
            LogAccountGone(logger, name, client.AccountUrl?.AbsoluteUri ?? string.Empty, ex.Detail ?? string.Empty);
            Data.Account = null;
            _client = null;
            client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
            return await client.IssueAsync(domains, solvers, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AcmeClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            return _client;
        }

        _http ??= httpFactory(config);
        var directory = new Uri(config.CaServer);
        if (Data.Account is { Registration.Uri: { Length: > 0 } uri, PrivateKey.Length: > 0 } stored)
        {
            if (AccountMatches(stored, uri))
            {
                return _client = CreateClient(directory, AcmeAccountKey.Import(stored.PrivateKey), new Uri(uri));
            }

            LogAccountMismatch(logger, name, stored.Email, uri);
        }

        var key = AcmeAccountKey.CreateEcdsa();
        var client = CreateClient(directory, key, null);
        var account = await client.CreateAccountAsync(config.Email is { Length: > 0 } email ? [email] : [], termsOfServiceAgreed: true, cancellationToken).ConfigureAwait(false);
        Data.Account = AcmeStoredAccount.From(config.Email ?? string.Empty, account, key);
        Data.Account.KeyType = config.KeyType;
        await storage.SaveAsync(cancellationToken).ConfigureAwait(false);
        LogRegistered(logger, name, account.Url.AbsoluteUri);
        return _client = client;
    }

    /// <summary>The stored account is reused only for the configured email and a registration on the configured CA's host.</summary>
    private bool AccountMatches(AcmeStoredAccount stored, string registrationUri) =>
        string.Equals(stored.Email, config.Email ?? string.Empty, StringComparison.OrdinalIgnoreCase)
        && Uri.TryCreate(registrationUri, UriKind.Absolute, out var registration)
        && string.Equals(registration.Authority, new Uri(config.CaServer).Authority, StringComparison.OrdinalIgnoreCase);

    private AcmeClient CreateClient(Uri directory, AcmeAccountKey key, Uri? accountUrl) => new(_http!, directory, key, time, accountUrl)
    {
        CertificateKeyType = config.KeyType,
        PreferredChain = config.PreferredChain,
        ExternalAccountBinding = config.Eab is { Kid: { Length: > 0 } kid, HmacEncoded: { Length: > 0 } mac }
            ? (kid, System.Buffers.Text.Base64Url.DecodeFromChars(mac.Trim().TrimEnd('=')))
            : null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME resolver {Resolver}: registered account {Account}")]
    private static partial void LogRegistered(ILogger logger, string resolver, string account);

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME resolver {Resolver}: the stored account ({Email}, {Account}) does not match the configured email or caServer; registering a new one")]
    private static partial void LogAccountMismatch(ILogger logger, string resolver, string email, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ACME resolver {Resolver}: the CA no longer knows account {Account} ({Detail}); registering a new one")]
    private static partial void LogAccountGone(ILogger logger, string resolver, string account, string detail);
}

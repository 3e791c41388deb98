using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Portico.Tls.Acme;

/// <summary>
/// An RFC 8555 ACME client. This file holds the transport: directory, nonces and JWS-signed POSTs; the issuance flow
/// (accounts, orders, challenges, finalization) is in AcmeClient.Issuance.cs. The HttpClient is borrowed, not owned.
/// </summary>
internal sealed partial class AcmeClient
{
    private static readonly MediaTypeHeaderValue JoseJson = new("application/jose+json");

    private readonly HttpClient _http;
    private readonly Uri _directoryUrl;
    private readonly TimeProvider _time;
    private AcmeDirectory? _directory;
    private string? _nonce;

    public AcmeClient(HttpClient http, Uri directoryUrl, AcmeAccountKey key, TimeProvider time, Uri? accountUrl = null)
    {
        _http = http;
        _directoryUrl = directoryUrl;
        Key = key;
        _time = time;
        AccountUrl = accountUrl;
    }

    public AcmeAccountKey Key { get; }

    /// <summary>The account URL, used as the JWS "kid" once the account exists.</summary>
    public Uri? AccountUrl { get; private set; }

    /// <summary>The certificate key type: Traefik's EC256, EC384, RSA2048, RSA4096 or RSA8192.</summary>
    public string CertificateKeyType { get; init; } = "EC256";

    /// <summary>The issuer common name of the top certificate of the preferred chain (Traefik's <c>preferredChain</c>).</summary>
    public string? PreferredChain { get; init; }

    /// <summary>External Account Binding for <c>newAccount</c>: the CA's key id and MAC key (raw bytes).</summary>
    public (string Kid, byte[] MacKey)? ExternalAccountBinding { get; init; }

    /// <summary>How long polling waits at most for an authorization or order to settle.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is not null)
        {
            return _directory;
        }

        for (var busy = 1; ; busy++)
        {
            using var response = await _http.GetAsync(_directoryUrl, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
                return _directory = AcmeDirectory.Parse(document.RootElement);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            await WaitOrThrowAsync(response, ParseProblem(body, response.StatusCode), busy, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Key authorization for a challenge token (RFC 8555 §8.1).</summary>
    public string GetKeyAuthorization(string token) => token + "." + Key.Thumbprint;

    /// <summary>
    /// Sends a JWS-signed POST. A null payload is POST-as-GET (empty payload). A badNonce rejection is retried (up to
    /// <see cref="MaxBadNonceRetries"/> times) with the fresh nonce the error carried, as RFC 8555 §6.5 asks clients
    /// to; a 429 or 503 answer waits for its Retry-After (see <see cref="RetryDelay"/>) and tries again.
    /// </summary>
    private async Task<AcmeResponse> PostAsync(Uri url, string? payloadJson, bool useJwk, CancellationToken cancellationToken)
    {
        int badNonces = 0, busy = 0;
        while (true)
        {
            var nonce = await TakeNonceAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(Sign(url, nonce, payloadJson, useJwk)),
            };
            request.Content.Headers.ContentType = JoseJson;
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            RememberNonce(response);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new AcmeResponse(response.StatusCode, response.Headers.Location, body, LinkHeaders(response));
            }

            var problem = ParseProblem(body, response.StatusCode);
            if (problem.Type == AcmeProblem.BadNonce && badNonces++ < MaxBadNonceRetries)
            {
                continue;
            }

            await WaitOrThrowAsync(response, problem, ++busy, cancellationToken).ConfigureAwait(false);
        }
    }

    private byte[] Sign(Uri url, string nonce, string? payloadJson, bool useJwk)
    {
        var header = new StringBuilder("{\"alg\":\"").Append(Key.Algorithm).Append('"');
        if (useJwk)
        {
            header.Append(",\"jwk\":").Append(Key.Jwk);
        }
        else
        {
            var kid = AccountUrl ?? throw new InvalidOperationException("The ACME account must be created or loaded before this request.");
            header.Append(",\"kid\":").Append(JsonSerializer.Serialize(kid.AbsoluteUri));
        }

        header.Append(",\"nonce\":").Append(JsonSerializer.Serialize(nonce));
        header.Append(",\"url\":").Append(JsonSerializer.Serialize(url.AbsoluteUri)).Append('}');

        var protectedHeader = Base64Url.Encode(header.ToString());
        var payload = payloadJson is null ? string.Empty : Base64Url.Encode(payloadJson);
        var signature = Base64Url.Encode(Key.Sign(Encoding.ASCII.GetBytes(protectedHeader + "." + payload)));
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["protected"] = protectedHeader,
            ["payload"] = payload,
            ["signature"] = signature,
        });
    }

    private async Task<string> TakeNonceAsync(CancellationToken cancellationToken)
    {
        var nonce = Interlocked.Exchange(ref _nonce, null);
        if (nonce is not null)
        {
            return nonce;
        }

        var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
        for (var busy = 1; ; busy++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.Headers.TryGetValues("Replay-Nonce", out var values) && values.FirstOrDefault() is { } fresh)
            {
                return fresh;
            }

            var problem = new AcmeProblem("about:blank", $"The ACME server returned no Replay-Nonce from {directory.NewNonce} (HTTP {(int)response.StatusCode}).", (int)response.StatusCode, []);
            await WaitOrThrowAsync(response, problem, busy, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RememberNonce(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Replay-Nonce", out var values) && values.FirstOrDefault() is { } nonce)
        {
            Volatile.Write(ref _nonce, nonce);
        }
    }

    private static AcmeProblem ParseProblem(byte[] body, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return AcmeProblem.Parse(document.RootElement);
        }
        catch (JsonException)
        {
            return new AcmeProblem("about:blank", $"HTTP {(int)status}: {Encoding.UTF8.GetString(body)}", (int)status, []);
        }
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private readonly record struct AcmeResponse(HttpStatusCode Status, Uri? Location, byte[] Body, IReadOnlyList<Uri> Alternates)
    {
        public JsonDocument Json() => JsonDocument.Parse(Body);
    }
}

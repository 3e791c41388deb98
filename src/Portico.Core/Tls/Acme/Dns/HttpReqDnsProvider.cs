using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// lego's <c>httpreq</c> provider: <c>POST &lt;HTTPREQ_ENDPOINT&gt;/present</c> and <c>/cleanup</c> with
/// <c>{"fqdn","value"}</c>, or with <c>HTTPREQ_MODE=RAW</c> <c>{"domain","token","keyAuth"}</c>; optional basic
/// authentication from <c>HTTPREQ_USERNAME</c>/<c>HTTPREQ_PASSWORD</c>. Any non-2xx answer fails the challenge.
/// </summary>
internal sealed class HttpReqDnsProvider : IDnsProvider
{
    public const string ProviderName = "httpreq";

    private readonly Uri _endpoint;
    private readonly bool _raw;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly HttpClient _http;

    public HttpReqDnsProvider(DnsProviderSettings settings)
    {
        var endpoint = settings.Require("HTTPREQ_ENDPOINT");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new AcmeException($"DNS provider httpreq: HTTPREQ_ENDPOINT \"{endpoint}\" is not an http(s) URL");
        }

        _endpoint = uri;
        _raw = string.Equals(settings.Get("HTTPREQ_MODE"), "RAW", StringComparison.Ordinal);
        if (settings.Get("HTTPREQ_USERNAME") is { } user)
        {
            var credentials = Encoding.UTF8.GetBytes(user + ":" + settings.Get("HTTPREQ_PASSWORD"));
            _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        }

        PropagationTimeout = settings.GetSeconds("HTTPREQ_PROPAGATION_TIMEOUT", 60);
        PollingInterval = settings.GetSeconds("HTTPREQ_POLLING_INTERVAL", 2);
        _http = new HttpClient { Timeout = settings.GetSeconds("HTTPREQ_HTTP_TIMEOUT", 30) };
    }

    public string Name => ProviderName;

    public TimeSpan PropagationTimeout { get; }

    public TimeSpan PollingInterval { get; }

    public Task PresentAsync(DnsChallengeRecord record, CancellationToken cancellationToken) => PostAsync("present", record, cancellationToken);

    public Task CleanupAsync(DnsChallengeRecord record, CancellationToken cancellationToken) => PostAsync("cleanup", record, cancellationToken);

    /// <summary><c>&lt;endpoint&gt;/&lt;action&gt;</c>, keeping a path the endpoint already has (as Go's JoinPath).</summary>
    public static Uri BuildUrl(Uri endpoint, string action)
    {
        var builder = new UriBuilder(endpoint);
        builder.Path = builder.Path.TrimEnd('/') + "/" + action;
        return builder.Uri;
    }

    public static string BuildBody(DnsChallengeRecord record, bool raw) => raw
        ? JsonSerializer.Serialize(new Dictionary<string, string> { ["domain"] = record.Domain, ["token"] = record.Token, ["keyAuth"] = record.KeyAuthorization })
        : JsonSerializer.Serialize(new Dictionary<string, string> { ["fqdn"] = record.Fqdn, ["value"] = record.Value });

    private async Task PostAsync(string action, DnsChallengeRecord record, CancellationToken cancellationToken)
    {
        var url = BuildUrl(_endpoint, action);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(BuildBody(record, _raw), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new AcmeException($"DNS provider httpreq: POST {url} answered {(int)response.StatusCode}: {body.Trim()}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new AcmeException($"DNS provider httpreq: POST {url} failed: {ex.Message}");
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AcmeException($"DNS provider httpreq: POST {url} timed out after {_http.Timeout}: {ex.Message}");
        }
    }
}

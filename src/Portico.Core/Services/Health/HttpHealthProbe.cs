using System.Net;
using Portico.Configuration.Dynamic;
using Portico.Services.LoadBalancing;

namespace Portico.Services.Health;

/// <summary>
/// Traefik's HTTP health check: <c>method</c> on the server URL with <c>path</c>, <c>scheme</c> and <c>port</c>
/// replaced, <c>hostname</c> as Host and the extra <c>headers</c>; healthy when the status equals <c>status</c>,
/// or is 2xx/3xx when no status is configured. Redirects are followed by hand because the shared transport does not.
/// </summary>
internal sealed class HttpHealthProbe(HealthCheckConfig config, HttpMessageInvoker client) : IHealthProbe
{
    private const int MaxRedirects = 10;
    private readonly HttpMethod _method = HttpMethod.Parse(string.IsNullOrEmpty(config.Method) ? "GET" : config.Method.ToUpperInvariant());

    public async Task<string?> ProbeAsync(ServerState server, CancellationToken cancellationToken)
    {
        var target = ProbeTarget.Build(server.Url, config.Scheme, config.Port, config.Path);
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(_method, target);
            if (string.Equals(server.Url.Scheme, "h2c", StringComparison.OrdinalIgnoreCase))
            {
                request.Version = HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }

            if (!string.IsNullOrEmpty(config.Hostname))
            {
                request.Headers.Host = config.Hostname;
            }

            foreach (var (name, value) in config.Headers)
            {
                if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Host = value;
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return cancellationToken.IsCancellationRequested ? "health check timed out" : "HTTP request failed: " + ex.Message;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (config.FollowRedirects && status is >= 300 and < 400 && response.Headers.Location is { } location && redirects < MaxRedirects)
                {
                    target = location.IsAbsoluteUri ? location : new Uri(target, location);
                    continue;
                }

                var ok = config.Status != 0 ? status == config.Status : status is >= 200 and < 400;
                return ok ? null : $"received error status code: {status}";
            }
        }
    }
}

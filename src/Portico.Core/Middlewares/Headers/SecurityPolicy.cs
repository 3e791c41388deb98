using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.Headers;

/// <summary>One security response header; <see cref="HasNonce"/> marks a CSP value whose <c>$NONCE</c> is filled per request.</summary>
internal readonly record struct SecurityHeader(string Name, string Value, bool HasNonce);

/// <summary>
/// The security part of the <c>headers</c> middleware, reproducing what Traefik gets from unrolled/secure: a host check
/// against <c>allowedHosts</c> (500 "Bad Host" otherwise, unrolled/secure's default that Traefik keeps), and response
/// headers computed when the request arrives. STS and HPKP depend on whether the request is HTTPS, so both header sets
/// are built here once and the request only picks one.
/// </summary>
internal sealed class SecurityPolicy
{
    private const string NoncePlaceholder = "$NONCE";
    private static readonly byte[] BadHostBody = Encoding.ASCII.GetBytes("Bad Host\n");

    private readonly string[] _allowedHosts;
    private readonly string[] _hostsProxyHeaders;
    private readonly KeyValuePair<string, string>[] _sslProxyHeaders;

    public SecurityPolicy(HeadersOptions options)
    {
        // isDevelopment turns off the host check, STS and HPKP, exactly as in unrolled/secure.
        _allowedHosts = options.IsDevelopment ? [] : [.. options.AllowedHosts];
        _hostsProxyHeaders = [.. options.HostsProxyHeaders];
        _sslProxyHeaders = [.. options.SslProxyHeaders];
        PlainHeaders = BuildHeaders(options, ssl: false);
        SslHeaders = BuildHeaders(options, ssl: true);
        DependsOnSsl = PlainHeaders.Length != SslHeaders.Length;
        NeedsNonce = Array.Exists(SslHeaders, h => h.HasNonce);
    }

    /// <summary>Headers for requests that are not HTTPS (neither the connection nor an <c>sslProxyHeaders</c> match).</summary>
    public SecurityHeader[] PlainHeaders { get; }

    public SecurityHeader[] SslHeaders { get; }

    /// <summary>Whether STS or HPKP is configured, so the HTTPS test has to run for each request.</summary>
    public bool DependsOnSsl { get; }

    /// <summary>Whether a CSP value uses <c>$NONCE</c>, which needs a fresh random nonce per request.</summary>
    public bool NeedsNonce { get; }

    /// <summary>Whether Traefik considers any security option set (the list of its <c>HasSecureHeadersDefined</c>).</summary>
    public static bool IsConfigured(HeadersOptions o) =>
        o.AllowedHosts.Count > 0 || o.HostsProxyHeaders.Count > 0 || o.SslProxyHeaders.Count > 0 || o.StsSeconds != 0
        || o.StsIncludeSubdomains || o.StsPreload || o.ForceSTSHeader || o.FrameDeny || !string.IsNullOrEmpty(o.CustomFrameOptionsValue)
        || o.ContentTypeNosniff || o.BrowserXssFilter || !string.IsNullOrEmpty(o.CustomBrowserXSSValue)
        || !string.IsNullOrEmpty(o.ContentSecurityPolicy) || !string.IsNullOrEmpty(o.ContentSecurityPolicyReportOnly)
        || !string.IsNullOrEmpty(o.PublicKey) || !string.IsNullOrEmpty(o.ReferrerPolicy)
        || !string.IsNullOrEmpty(o.PermissionsPolicy) || o.IsDevelopment;

    /// <summary>
    /// The host check: the first non-empty <c>hostsProxyHeaders</c> header, else the request's Host (port included), must
    /// equal one of <c>allowedHosts</c> ignoring case. An empty list allows every host.
    /// </summary>
    public bool IsAllowedHost(HttpRequest request)
    {
        if (_allowedHosts.Length == 0)
        {
            return true;
        }

        var host = request.Host.Value ?? string.Empty;
        foreach (var name in _hostsProxyHeaders)
        {
            var proxied = CorsPolicy.First(request.Headers[name]);
            if (proxied.Length > 0)
            {
                host = proxied;
                break;
            }
        }

        foreach (var allowed in _allowedHosts)
        {
            if (string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>HTTPS is the connection's scheme, or any <c>sslProxyHeaders</c> entry whose header's first value equals the configured one.</summary>
    public bool IsSsl(HttpRequest request)
    {
        if (request.IsHttps)
        {
            return true;
        }

        foreach (var (name, value) in _sslProxyHeaders)
        {
            // As in Go, a missing header reads as "", so an entry with an empty value matches requests without the header.
            if (string.Equals(CorsPolicy.First(request.Headers[name]), value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes unrolled/secure's bad-host answer, which Traefik returns unchanged.</summary>
    public static Task RejectHostAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status500InternalServerError;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentLength = BadHostBody.Length;
        return response.Body.WriteAsync(BadHostBody).AsTask();
    }

    /// <summary>Sets the security headers, replacing what the backend sent, with a fresh nonce when a CSP asks for one.</summary>
    public static void Apply(SecurityHeader[] headers, IHeaderDictionary response, string? nonce)
    {
        foreach (var header in headers)
        {
            response[header.Name] = header.HasNonce && nonce is not null
                ? header.Value.Replace(NoncePlaceholder, "'nonce-" + nonce + "'", StringComparison.Ordinal)
                : header.Value;
        }
    }

    /// <summary>16 random bytes in unpadded base64, the nonce format of unrolled/secure.</summary>
    public static string NewNonce()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=');
    }

    private static SecurityHeader[] BuildHeaders(HeadersOptions o, bool ssl)
    {
        var list = new List<SecurityHeader>();
        if (o.StsSeconds != 0 && (ssl || o.ForceSTSHeader) && !o.IsDevelopment)
        {
            var value = "max-age=" + o.StsSeconds.ToString(CultureInfo.InvariantCulture)
                + (o.StsIncludeSubdomains ? "; includeSubDomains" : string.Empty)
                + (o.StsPreload ? "; preload" : string.Empty);
            list.Add(new("Strict-Transport-Security", value, false));
        }

        // A custom value wins over the boolean switch, for both frame options and the XSS filter.
        AddIfSet(list, "X-Frame-Options", !string.IsNullOrEmpty(o.CustomFrameOptionsValue) ? o.CustomFrameOptionsValue : o.FrameDeny ? "DENY" : null);
        AddIfSet(list, "X-Content-Type-Options", o.ContentTypeNosniff ? "nosniff" : null);
        AddIfSet(list, "X-XSS-Protection", !string.IsNullOrEmpty(o.CustomBrowserXSSValue) ? o.CustomBrowserXSSValue : o.BrowserXssFilter ? "1; mode=block" : null);
        AddIfSet(list, "Public-Key-Pins", ssl && !o.IsDevelopment ? o.PublicKey : null);
        AddIfSet(list, "Content-Security-Policy", o.ContentSecurityPolicy, nonceAllowed: true);
        AddIfSet(list, "Content-Security-Policy-Report-Only", o.ContentSecurityPolicyReportOnly, nonceAllowed: true);
        AddIfSet(list, "Referrer-Policy", o.ReferrerPolicy);
        AddIfSet(list, "Permissions-Policy", o.PermissionsPolicy);
        return [.. list];
    }

    /// <summary>Adds a header with a non-empty value; only the two CSP headers treat <c>$NONCE</c> specially.</summary>
    private static void AddIfSet(List<SecurityHeader> list, string name, string? value, bool nonceAllowed = false)
    {
        if (!string.IsNullOrEmpty(value))
        {
            list.Add(new(name, value, nonceAllowed && value.Contains(NoncePlaceholder, StringComparison.Ordinal)));
        }
    }
}

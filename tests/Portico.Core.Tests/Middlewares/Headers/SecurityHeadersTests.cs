using System.Text.RegularExpressions;

namespace Portico.Tests.Middlewares.Headers;

public sealed class SecurityHeadersTests
{
    private const string Sts = "Strict-Transport-Security";

    /// <summary>scenario, options, whether the connection is HTTPS, a request header to add ("Name: value" or ""), header, expected value (null: absent).</summary>
    public static TheoryData<string, string, bool, string, string, string?> Headers => new()
    {
        { "sts on https", "stsSeconds: 31536000", true, "", Sts, "max-age=31536000" },
        { "no sts on plain http", "stsSeconds: 31536000", false, "", Sts, null },
        { "sts with subdomains and preload", "stsSeconds: 315\nstsIncludeSubdomains: true\nstsPreload: true", true, "", Sts, "max-age=315; includeSubDomains; preload" },
        { "sts preload alone", "stsSeconds: 1\nstsPreload: true", true, "", Sts, "max-age=1; preload" },
        { "forced sts on plain http", "stsSeconds: 60\nforceSTSHeader: true", false, "", Sts, "max-age=60" },
        { "sts flags without seconds add nothing", "stsIncludeSubdomains: true\nforceSTSHeader: true", true, "", Sts, null },
        { "ssl proxy header makes plain http https", "stsSeconds: 60\nsslProxyHeaders:\n  X-Forwarded-Proto: https", false, "X-Forwarded-Proto: https", Sts, "max-age=60" },
        { "ssl proxy header with another value", "stsSeconds: 60\nsslProxyHeaders:\n  X-Forwarded-Proto: https", false, "X-Forwarded-Proto: http", Sts, null },
        { "ssl proxy header with an empty value matches its absence, as in Go", "stsSeconds: 60\nsslProxyHeaders:\n  X-Empty: \"\"", false, "", Sts, "max-age=60" },
        { "ssl proxy header missing", "stsSeconds: 60\nsslProxyHeaders:\n  X-Forwarded-Proto: https", false, "", Sts, null },
        { "development drops sts on https", "stsSeconds: 60\nisDevelopment: true", true, "", Sts, null },
        { "development drops even forced sts", "stsSeconds: 60\nforceSTSHeader: true\nisDevelopment: true", false, "", Sts, null },
        { "frame deny", "frameDeny: true", false, "", "X-Frame-Options", "DENY" },
        { "custom frame options win over deny", "frameDeny: true\ncustomFrameOptionsValue: SAMEORIGIN", false, "", "X-Frame-Options", "SAMEORIGIN" },
        { "nosniff", "contentTypeNosniff: true", false, "", "X-Content-Type-Options", "nosniff" },
        { "xss filter", "browserXssFilter: true", false, "", "X-XSS-Protection", "1; mode=block" },
        { "custom xss value wins", "browserXssFilter: true\ncustomBrowserXSSValue: \"0\"", false, "", "X-XSS-Protection", "0" },
        { "csp", "contentSecurityPolicy: \"default-src 'self'\"", false, "", "Content-Security-Policy", "default-src 'self'" },
        { "csp report only", "contentSecurityPolicyReportOnly: \"default-src 'none'\"", false, "", "Content-Security-Policy-Report-Only", "default-src 'none'" },
        { "public key pins on https", "publicKey: \"pin-sha256=\\\"x\\\"; max-age=5\"", true, "", "Public-Key-Pins", "pin-sha256=\"x\"; max-age=5" },
        { "no public key pins on plain http", "publicKey: \"pin-sha256=\\\"x\\\"\"", false, "", "Public-Key-Pins", null },
        { "public key pins via ssl proxy header", "publicKey: p\nsslProxyHeaders:\n  X-Tls: \"on\"", false, "X-Tls: on", "Public-Key-Pins", "p" },
        { "development drops public key pins", "publicKey: p\nisDevelopment: true", true, "", "Public-Key-Pins", null },
        { "referrer policy", "referrerPolicy: no-referrer", false, "", "Referrer-Policy", "no-referrer" },
        { "permissions policy", "permissionsPolicy: \"camera=()\"", false, "", "Permissions-Policy", "camera=()" },
        { "nonce placeholder only in csp", "referrerPolicy: \"$NONCE\"", false, "", "Referrer-Policy", "$NONCE" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task SecurityHeadersAreSetAsTraefikSetsThemAsync(string scenario, string options, bool https, string requestHeader, string header, string? expected)
    {
        var run = await HeadersHarness.RunAsync(options, request =>
        {
            request.Scheme = https ? "https" : "http";
            if (requestHeader.Length > 0)
            {
                var colon = requestHeader.IndexOf(':', StringComparison.Ordinal);
                request.Headers[requestHeader[..colon]] = requestHeader[(colon + 1)..].Trim();
            }
        });

        Assert.True(run.BackendCalled, scenario);
        Assert.True(expected == run.Response(header), $"{scenario}: expected {header}={expected ?? "(absent)"}, got {run.Response(header) ?? "(absent)"}");
    }

    public static TheoryData<string, string, string?> Overrides => new()
    {
        { "security header replaces the backend's", "frameDeny: true", "DENY" },
        { "custom response header overrides a security header", "frameDeny: true\ncustomResponseHeaders:\n  X-Frame-Options: ALLOW-FROM x", "ALLOW-FROM x" },
        { "empty custom response header removes a security header", "frameDeny: true\ncustomResponseHeaders:\n  X-Frame-Options: \"\"", null },
    };

    [Theory]
    [MemberData(nameof(Overrides))]
    public async Task SecurityHeadersComeBeforeCustomResponseHeadersAsync(string scenario, string options, string? expected)
    {
        var run = await HeadersHarness.RunAsync(options, backend: c => c.Response.Headers["X-Frame-Options"] = "SAMEORIGIN");

        Assert.True(expected == run.Response("X-Frame-Options"), $"{scenario}: got {run.Response("X-Frame-Options")}");
    }

    [Fact]
    public async Task NoncePlaceholdersGetAFreshNoncePerRequestAsync()
    {
        const string options = "contentSecurityPolicy: \"script-src $NONCE; style-src $NONCE\"\ncontentSecurityPolicyReportOnly: \"script-src $NONCE\"";
        var first = await HeadersHarness.RunAsync(options);
        var second = await HeadersHarness.RunAsync(options);

        var csp = Regex.Match(first.Response("Content-Security-Policy")!, "^script-src 'nonce-([A-Za-z0-9+/]{22})'; style-src 'nonce-([A-Za-z0-9+/]{22})'$");
        Assert.True(csp.Success, first.Response("Content-Security-Policy"));
        Assert.Equal(csp.Groups[1].Value, csp.Groups[2].Value);
        Assert.Equal($"script-src 'nonce-{csp.Groups[1].Value}'", first.Response("Content-Security-Policy-Report-Only"));
        Assert.DoesNotContain(csp.Groups[1].Value, second.Response("Content-Security-Policy"), StringComparison.Ordinal);
    }
}

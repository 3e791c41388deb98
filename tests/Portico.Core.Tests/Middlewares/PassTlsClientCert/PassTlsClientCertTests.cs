using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Portico.Tests.Middlewares.PassTlsClientCert;

public sealed class PassTlsClientCertTests
{
    private const string CertHeader = "X-Forwarded-Tls-Client-Cert";
    private const string InfoHeader = "X-Forwarded-Tls-Client-Cert-Info";

    private static readonly Lazy<X509Certificate2> Certificate = new(CreateCertificate);

    public static TheoryData<string, string, string?> Infos => new()
    {
        // scenario, info options, expected header (unescaped; null: absent)
        { "nothing selected", "{}", string.Empty },
        { "dates", "{notBefore: true, notAfter: true}", "NB=\"1544094616\";NA=\"1607166616\"" },
        { "serial number", "{serialNumber: true}", "SerialNumber=\"258\"" },
        { "subject alternative names in Go's order", "{sans: true}", "SAN=\"*.cheese.org,*.cheese.net,test@cheese.org,10.0.1.0,::1,spiffe://cheese.org/app\"" },
        {
            "whole subject in Go's order",
            "{subject: {country: true, province: true, locality: true, organization: true, organizationalUnit: true, commonName: true, serialNumber: true, domainComponent: true}}",
            "Subject=\"DC=org,DC=cheese,C=FR,C=US,ST=Signed State,L=TOULOUSE,O=Cheese,O=Cheese 2,OU=Team,SN=1234,CN=*.cheese.org\""
        },
        { "issuer common name and organization", "{issuer: {commonName: true, organization: true}}", "Issuer=\"O=Cheese,O=Cheese 2,CN=*.cheese.org\"" },
        { "subject and dates together", "{subject: {commonName: true}, notAfter: true}", "Subject=\"CN=*.cheese.org\";NA=\"1607166616\"" },
    };

    [Theory]
    [MemberData(nameof(Infos))]
    public async Task InfoHeaderListsTheSelectedFieldsAsync(string scenario, string info, string? expected)
    {
        var context = await RunAsync($"passTLSClientCert: {{info: {info}}}", Certificate.Value);

        var header = context.Request.Headers[InfoHeader].ToString();
        Assert.True(expected == Uri.UnescapeDataString(header.Replace('+', ' ')), $"{scenario}: {header}");
        Assert.DoesNotContain(' ', header);
        Assert.False(context.Request.Headers.ContainsKey(CertHeader));
    }

    [Fact]
    public async Task PemHeaderIsTheEscapedCertificateBodyAsync()
    {
        var context = await RunAsync("passTLSClientCert: {pem: true}", Certificate.Value);

        var header = context.Request.Headers[CertHeader].ToString();
        var pem = Certificate.Value.ExportCertificatePem().Replace("-----BEGIN CERTIFICATE-----", string.Empty, StringComparison.Ordinal)
            .Replace("-----END CERTIFICATE-----", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
        Assert.Equal(pem, Uri.UnescapeDataString(header));
        Assert.DoesNotContain('/', header);
        Assert.DoesNotContain('+', header);
        Assert.Equal(Certificate.Value.RawData, Convert.FromBase64String(Uri.UnescapeDataString(header)));
    }

    [Theory]
    [InlineData("passTLSClientCert: {pem: true, info: {notAfter: true}}")]
    [InlineData("passTLSClientCert: {}")]
    public async Task SpoofedHeadersAreRemovedWithoutACertificateAsync(string yaml)
    {
        var context = await RunAsync(yaml, certificate: null);

        Assert.False(context.Request.Headers.ContainsKey(CertHeader));
        Assert.False(context.Request.Headers.ContainsKey(InfoHeader));
    }

    [Fact]
    public void UnknownOptionsAreErrors() =>
        Assert.Contains("unknown key", MiddlewareHarness.FirstError("passTLSClientCert: {info: {subject: {cn: true}}}"), StringComparison.Ordinal);

    private static async Task<HttpContext> RunAsync(string yaml, X509Certificate2? certificate)
    {
        var middleware = MiddlewareHarness.BuildValid(yaml);
        var context = MiddlewareHarness.NewContext();
        context.Connection.ClientCertificate = certificate;
        context.Request.Headers[CertHeader] = "spoofed";
        context.Request.Headers[InfoHeader] = "spoofed";
        await middleware(_ => Task.CompletedTask)(context).WaitAsync(TimeSpan.FromSeconds(10));
        return context;
    }

    private static X509Certificate2 CreateCertificate()
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddDomainComponent("org");
        name.AddDomainComponent("cheese");
        name.AddCountryOrRegion("FR");
        name.AddCountryOrRegion("US");
        name.AddStateOrProvinceName("Signed State");
        name.AddLocalityName("TOULOUSE");
        name.AddOrganizationName("Cheese");
        name.AddOrganizationName("Cheese 2");
        name.AddOrganizationalUnitName("Team");
        name.Add("2.5.4.5", "1234", System.Formats.Asn1.UniversalTagNumber.PrintableString);
        name.AddCommonName("*.cheese.org");
        var dn = name.Build();

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(dn, key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUri(new Uri("spiffe://cheese.org/app"));
        sans.AddIpAddress(IPAddress.Parse("10.0.1.0"));
        sans.AddDnsName("*.cheese.org");
        sans.AddEmailAddress("test@cheese.org");
        sans.AddIpAddress(IPAddress.IPv6Loopback);
        sans.AddDnsName("*.cheese.net");
        request.CertificateExtensions.Add(sans.Build());
        return request.Create(dn, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.FromUnixTimeSeconds(1544094616), DateTimeOffset.FromUnixTimeSeconds(1607166616), [0x01, 0x02]);
    }
}

namespace Portico.Middlewares.PassTlsClientCert;

/// <summary>Traefik <c>passTLSClientCert</c> options.</summary>
internal sealed record PassTlsClientCertOptions
{
    /// <summary>Pass the certificate (PEM body, escaped) in <c>X-Forwarded-Tls-Client-Cert</c>.</summary>
    public bool Pem { get; init; }

    /// <summary>Pass the selected fields in <c>X-Forwarded-Tls-Client-Cert-Info</c>.</summary>
    public CertificateInfoOptions? Info { get; init; }
}

internal sealed record CertificateInfoOptions
{
    public bool NotAfter { get; init; }

    public bool NotBefore { get; init; }

    public bool Sans { get; init; }

    public bool SerialNumber { get; init; }

    public DistinguishedNameOptions? Subject { get; init; }

    public DistinguishedNameOptions? Issuer { get; init; }
}

/// <summary>The parts of a distinguished name to pass (Traefik has no organizationalUnit for the issuer; it is accepted and honoured here).</summary>
internal sealed record DistinguishedNameOptions
{
    public bool Country { get; init; }

    public bool Province { get; init; }

    public bool Locality { get; init; }

    public bool Organization { get; init; }

    public bool OrganizationalUnit { get; init; }

    public bool CommonName { get; init; }

    public bool SerialNumber { get; init; }

    public bool DomainComponent { get; init; }
}

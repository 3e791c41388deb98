using System.Net;
using System.Net.Security;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Forwarding;

namespace Portico.Tcp.Services;

/// <summary>
/// TLS to the servers of a TCP load balancer (<c>servers[].tls: true</c>), with the servers transport's <c>tls</c>
/// section (<c>serverName</c>, <c>insecureSkipVerify</c>, <c>rootCAs</c>, <c>certificates</c>, <c>peerCertURI</c>). The
/// options and the certificate check are the HTTP transports' (<see cref="BackendTls"/>), so both verify alike.
/// </summary>
internal sealed class TcpBackendTls
{
    private readonly SslClientAuthenticationOptions _template = new();

    private TcpBackendTls(ServersTransportItemConfig config)
    {
        Config = config;
    }

    /// <summary>What the options were built from (compared by the next build to keep health state).</summary>
    public ServersTransportItemConfig Config { get; }

    /// <summary>The TLS of a transport without a <c>tls</c> section: system roots, SNI from the address.</summary>
    public static TcpBackendTls Default { get; } = new(new ServersTransportItemConfig());

    /// <summary>Builds from a transport's <c>tls</c> node; null when it is invalid (every problem is in <paramref name="errors"/>).</summary>
    public static TcpBackendTls? Create(ConfigNode? node, string item, SourceLocation location, List<ConfigError> errors)
    {
        if (node is null)
        {
            return Default;
        }

        var before = errors.Count;
        var config = ConfigBinder.Bind<ServersTransportItemConfig>(node, "tls", errors);
        var problems = new List<string>();
        var tls = new TcpBackendTls(config);
        BackendTls.Configure(tls._template, config, problems);
        if (config.PeerCertSANs is not null || config.Spiffe is not null)
        {
            problems.Add("tls.peerCertSANs and tls.spiffe are not supported by this Portico version");
        }

        foreach (var problem in problems)
        {
            errors.Add(new ConfigError(item, "tls: " + problem, location));
        }

        return errors.Count > before ? null : tls;
    }

    /// <summary>
    /// The options for one server: as Go does, SNI is <c>serverName</c>, else the address's host unless it is an IP
    /// address (then no SNI), and the certificate must match that same name.
    /// </summary>
    public SslClientAuthenticationOptions For(string host)
    {
        var bare = host.Trim('[', ']');
        var name = string.IsNullOrEmpty(Config.ServerName) ? bare : Config.ServerName;
        var sni = !string.IsNullOrEmpty(Config.ServerName) || !IPAddress.TryParse(bare, out _) ? name : string.Empty;
        return new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            EnabledSslProtocols = _template.EnabledSslProtocols,
            CipherSuitesPolicy = _template.CipherSuitesPolicy,
            ClientCertificates = _template.ClientCertificates,
            CertificateChainPolicy = _template.CertificateChainPolicy,
            CertificateRevocationCheckMode = _template.CertificateRevocationCheckMode,
            RemoteCertificateValidationCallback = BackendTls.Validation(Config, name),
        };
    }
}

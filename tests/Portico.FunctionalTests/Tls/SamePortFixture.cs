using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

/// <summary>
/// One Portico whose plain entry point <c>web</c> (no <c>http.tls</c>) has TLS and non-TLS routers, and whose
/// <c>websecure</c> has <c>http.tls</c>; every router answers with its own backend's name.
/// </summary>
public sealed class SamePortFixture : IAsyncLifetime
{
    private static readonly string[] Routers = ["secure", "plain", "both-tls", "both-plain", "inherit"];

    private readonly List<Backend> _backends = [];

    internal PorticoHost Portico { get; private set; } = null!;

    internal (string CertFile, string KeyFile, string Thumbprint) Certificate { get; private set; }

    public async Task InitializeAsync()
    {
        foreach (var name in Routers)
        {
            _backends.Add(await Backend.NamedAsync(name));
        }

        Portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
              websecure:
                address: "127.0.0.1:0"
                http:
                  tls: {}
            """);
        Certificate = TestCertificates.Write(Portico.Directory, "secure", "secure.test");
        var services = string.Join('\n', _backends.Select((b, i) => $"    {Routers[i]}:\n      loadBalancer:\n        servers:\n          - url: \"{b.Url}\""));
        await Portico.WriteDynamicAsync($$"""
            http:
              routers:
                secure:
                  rule: "Host(`secure.test`)"
                  entryPoints: [web]
                  service: secure
                  tls: {}
                plain:
                  rule: "Host(`plain.test`)"
                  entryPoints: [web]
                  service: plain
                both-tls:
                  rule: "Host(`both.test`)"
                  entryPoints: [web]
                  service: both-tls
                  tls: {}
                both-plain:
                  rule: "Host(`both.test`)"
                  entryPoints: [web]
                  service: both-plain
                inherit:
                  rule: "Host(`inherit.test`)"
                  entryPoints: [websecure]
                  service: inherit
              services:
            {{services}}
            tls:
              certificates:
                - certFile: "{{Certificate.CertFile}}"
                  keyFile: "{{Certificate.KeyFile}}"
            """);
    }

    public async Task DisposeAsync()
    {
        await Portico.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

}

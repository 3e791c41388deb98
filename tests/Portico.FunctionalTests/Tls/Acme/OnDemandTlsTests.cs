using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// <c>acme.onDemand</c> end to end: a real Kestrel <c>ask</c> endpoint approves one name; pebble validates TLS-ALPN-01 on
/// Portico's <c>websecure</c> port while the first handshake for that name waits for its certificate.
/// </summary>
public sealed partial class OnDemandTlsTests
{
    private const string Approved = "approved.example.test";
    private const string Refused = "refused.example.test";
    private const string Concurrent = "approved-too.example.test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_approved_name_gets_a_certificate_at_its_first_handshake_and_a_refused_one_the_default_certificate()
    {
        var websecurePort = FreePort.Get();
        await using var pebble = await PebbleServer.StartAsync(new PebbleOptions { TlsPort = websecurePort }).WaitAsync(Timeout);
        await using var backend = await Backend.NamedAsync("app");
        var asked = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await using var ask = await Backend.StartAsync(context =>
        {
            var domain = context.Request.Query["domain"].ToString();
            asked.AddOrUpdate(domain, 1, (_, n) => n + 1);
            context.Response.StatusCode = domain is Approved or Concurrent ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        });
        var directory = Directory.CreateTempSubdirectory("portico-acme-ondemand-");
        try
        {
            var storage = Path.Combine(directory.FullName, "acme.json");
            await using var portico = await PorticoHost.StartAsync(StaticYaml(websecurePort, pebble, storage, new Uri(ask.Url, "/check").ToString()), DynamicYaml(backend.Url.ToString()));

            // 1. The first handshake for the approved name waits for pebble and gets the new certificate.
            var (issued, _) = await TlsHandshake.RunAsync(websecurePort, Approved);
            Assert.Contains("Pebble", issued.Issuer, StringComparison.OrdinalIgnoreCase);
            Assert.Equal([Approved], TlsHandshake.DnsNames(issued));
            Assert.Equal(1, asked[Approved]);
            Assert.Equal(1, Orders(pebble));

            // 2. Later handshakes get the same certificate without asking or ordering again.
            var (again, _) = await TlsHandshake.RunAsync(websecurePort, Approved);
            Assert.Equal(issued.Thumbprint, again.Thumbprint);
            Assert.Equal(1, asked[Approved]);
            await Poll.UntilAsync(() => File.Exists(storage) && File.ReadAllText(storage).Contains(Approved, StringComparison.Ordinal), "the certificate stored in acme.json", Timeout);

            // 3. Concurrent first handshakes for one name share one ask and one order.
            var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TlsHandshake.RunAsync(websecurePort, Concurrent))).WaitAsync(Timeout);
            Assert.All(together, t => Assert.Equal([Concurrent], TlsHandshake.DnsNames(t.Certificate)));
            Assert.Single(together.Select(t => t.Certificate.Thumbprint).Distinct());
            Assert.Equal(1, asked[Concurrent]);
            Assert.Equal(2, Orders(pebble));

            // 4. A refused name gets the default certificate, orders nothing, and is asked about once while remembered.
            for (var i = 0; i < 3; i++)
            {
                var (fallback, _) = await TlsHandshake.RunAsync(websecurePort, Refused);
                Assert.Contains("TRAEFIK DEFAULT CERT", fallback.Subject, StringComparison.Ordinal);
            }

            Assert.Equal(1, asked[Refused]);
            Assert.Equal(2, Orders(pebble));

            // 5. Names that are no DNS names never reach the ask endpoint.
            var (invalid, _) = await TlsHandshake.RunAsync(websecurePort, "not_a_name.example.test");
            Assert.Contains("TRAEFIK DEFAULT CERT", invalid.Subject, StringComparison.Ordinal);
            Assert.False(asked.ContainsKey("not_a_name.example.test"));

            using var client = new TlsClient(portico.Url("websecure"));
            using var response = await client.GetAsync(Approved);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static int Orders(PebbleServer pebble) => AddedOrder().Matches(pebble.Log).Count;

    [GeneratedRegex("Added order ")]
    private static partial Regex AddedOrder();

    private static string StaticYaml(int websecurePort, PebbleServer pebble, string storage, string ask) => $$"""
        entryPoints:
          websecure:
            address: "127.0.0.1:{{websecurePort}}"
            http:
              tls: {}
        certificatesResolvers:
          pebble:
            acme:
              email: admin@portico.example
              caServer: "{{pebble.DirectoryUrl}}"
              storage: "{{storage}}"
              keyType: EC256
              caCertificates: ["{{pebble.CertificatePath}}"]
              tlsChallenge: {}
              onDemand:
                ask: "{{ask}}"
                rateLimit:
                  burst: 5
                  period: 1m
        """;

    private static string DynamicYaml(string backendUrl) => $$"""
        http:
          routers:
            tenants:
              rule: "PathPrefix(`/`)"
              entryPoints: [websecure]
              service: app
              tls:
                certResolver: pebble
          services:
            app:
              loadBalancer:
                servers:
                  - url: "{{backendUrl}}"
        """;
}

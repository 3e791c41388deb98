using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portico.Tls.Acme;

namespace Portico.Tests.Tls.Acme;

public sealed class AcmeStorageTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("portico-acme-storage-");
    private readonly FakeTimeProvider _time = new();

    private string FilePath => Path.Combine(_directory.FullName, "acme.json");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Round_trips_accounts_and_certificates_with_mode_0600()
    {
        var storage = new AcmeStorage(FilePath, _time);
        using var key = AcmeAccountKey.CreateEcdsa();
        var data = new Dictionary<string, AcmeResolverData>
        {
            ["le"] = new()
            {
                Account = AcmeStoredAccount.From("a@b.example", new AcmeAccount(new Uri("https://ca.example/acct/1"), """{"status":"valid"}"""), key),
                Certificates = [AcmeStoredCertificate.From(new AcmeCertificate(["a.example", "b.example"], "CERT PEM", "KEY PEM"))],
            },
        };

        await storage.SaveAsync(data, CancellationToken.None).WaitAsync(Timeout);
        var loaded = await storage.LoadAsync(CancellationToken.None).WaitAsync(Timeout);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        }

        Assert.Null(loaded.CorruptFileMovedTo);
        var resolver = loaded.Resolvers["le"];
        Assert.Equal("https://ca.example/acct/1", resolver.Account!.Registration!.Uri);
        Assert.Equal("valid", resolver.Account.Registration.Body.GetProperty("status").GetString());
        using var reloaded = AcmeAccountKey.Import(resolver.Account.PrivateKey);
        Assert.Equal(key.Thumbprint, reloaded.Thumbprint);
        var certificate = Assert.Single(resolver.Certificates);
        Assert.Equal("a.example", certificate.Domain.Main);
        Assert.Equal(["b.example"], certificate.Domain.Sans!);
        Assert.Equal("CERT PEM", Encoding.UTF8.GetString(certificate.Certificate));
        Assert.Equal("KEY PEM", Encoding.UTF8.GetString(certificate.Key));
    }

    [Theory]
    [InlineData("missing file", null)]
    [InlineData("empty file made with touch", "")]
    public async Task Absent_or_empty_files_load_as_empty(string scenario, string? content)
    {
        if (content is not null)
        {
            await File.WriteAllTextAsync(FilePath, content);
        }

        var loaded = await new AcmeStorage(FilePath, _time).LoadAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.True(loaded.Resolvers.Count == 0, scenario);
        Assert.Null(loaded.Error);
    }

    [Theory]
    [InlineData("truncated JSON", "{\"le\": {\"Account\": ")]
    [InlineData("wrong shape", "[1, 2, 3]")]
    [InlineData("JSON null", "null")]
    public async Task A_corrupt_file_is_reported_and_moved_aside_not_overwritten(string scenario, string content)
    {
        await File.WriteAllTextAsync(FilePath, content);
        var storage = new AcmeStorage(FilePath, _time);

        var loaded = await storage.LoadAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.True(loaded.Resolvers.Count == 0, scenario);
        Assert.NotNull(loaded.Error);
        Assert.NotNull(loaded.CorruptFileMovedTo);
        Assert.False(File.Exists(FilePath));
        Assert.Equal(content, await File.ReadAllTextAsync(loaded.CorruptFileMovedTo));
    }

    [Fact]
    public async Task Reads_a_Traefik_file_with_an_RSA_PKCS1_account_key()
    {
        using var rsa = RSA.Create(2048);
        var traefik = $$"""
            {
              "myresolver": {
                "Account": {
                  "Email": "ops@example.com",
                  "Registration": { "body": { "status": "valid", "contact": ["mailto:ops@example.com"] }, "uri": "https://acme.example/acme/acct/42" },
                  "PrivateKey": "{{Convert.ToBase64String(rsa.ExportRSAPrivateKey())}}",
                  "KeyType": "4096"
                },
                "Certificates": [
                  { "domain": { "main": "example.com" }, "certificate": "{{Convert.ToBase64String("PEM"u8)}}", "key": "{{Convert.ToBase64String("KEY"u8)}}", "Store": "default" }
                ]
              }
            }
            """;
        await File.WriteAllTextAsync(FilePath, traefik);

        var loaded = await new AcmeStorage(FilePath, _time).LoadAsync(CancellationToken.None).WaitAsync(Timeout);

        var account = loaded.Resolvers["myresolver"].Account!;
        Assert.Equal("ops@example.com", account.Email);
        Assert.Equal("4096", account.KeyType);
        using var key = AcmeAccountKey.Import(account.PrivateKey);
        Assert.Equal("RS256", key.Algorithm);
        Assert.Equal(rsa.ExportRSAPrivateKey(), key.Export());
        var certificate = Assert.Single(loaded.Resolvers["myresolver"].Certificates);
        Assert.Null(certificate.Domain.Sans);
        Assert.Equal("PEM", Encoding.UTF8.GetString(certificate.Certificate));
        using var jwk = JsonDocument.Parse(key.Jwk);
        Assert.Equal("RSA", jwk.RootElement.GetProperty("kty").GetString());
    }
}

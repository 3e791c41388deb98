using System.Net;
using System.Net.Http.Headers;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.BasicAuth;

/// <summary>basicAuth through a real listener, with users from a file and inline, hashed by htpasswd (apache2-utils).</summary>
public sealed class BasicAuthTests
{
    public static TheoryData<string, string?, string?, HttpStatusCode> Attempts => new()
    {
        { "no credentials", null, null, HttpStatusCode.Unauthorized },
        { "bcrypt user from the file", "alice", "correct horse", HttpStatusCode.OK },
        { "bcrypt user again, from the cache", "alice", "correct horse", HttpStatusCode.OK },
        { "MD5 user inline", "bob", "pässwörd", HttpStatusCode.OK },
        { "wrong password", "alice", "wrong", HttpStatusCode.Unauthorized },
    };

    [Fact]
    public async Task UsersFromFileAndInlineAreCheckedAndTheUserIsPassedOnAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var usersFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(usersFile, "alice:$2y$05$OqbC6PcI7Her/9MFuDjZnOMxxZwdNRKX4Eaf2BtsUpmlwBNq/rgoW\n");
        try
        {
            await using var portico = await PorticoHost.StartAsync("""
                entryPoints:
                  web:
                    address: "127.0.0.1:0"
                """, $"""
                http:
                  routers:
                    app:
                      rule: "PathPrefix(`/`)"
                      service: backend
                      middlewares: [auth]
                  middlewares:
                    auth:
                      basicAuth:
                        usersFile: "{usersFile}"
                        users: ["bob:$apr1$YW1LaUpD$A7PndBw5PTK91VfOu.iDG/"]
                        realm: "Portico test"
                        headerField: X-WebAuth-User
                        removeHeader: true
                  services:
                    backend:
                      loadBalancer:
                        servers:
                          - url: "{backend.Url}"
                """);

            var passed = 0;
            foreach (var row in Attempts)
            {
                var (scenario, user, password, expected) = ((string)row[0], (string?)row[1], (string?)row[2], (HttpStatusCode)row[3]);
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), "/secret"));
                if (user is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
                }

                using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

                Assert.True(expected == response.StatusCode, $"{scenario}: got {(int)response.StatusCode}");
                if (expected == HttpStatusCode.Unauthorized)
                {
                    Assert.Equal("Basic realm=\"Portico test\"", response.Headers.WwwAuthenticate.ToString());
                    Assert.Equal("401 Unauthorized\n", await response.Content.ReadAsStringAsync());
                }
                else
                {
                    passed++;
                    var seen = backend.Seen[^1];
                    Assert.Equal(user, seen.Headers["X-WebAuth-User"]);
                    Assert.False(seen.Headers.ContainsKey("Authorization"), scenario);
                }
            }

            Assert.Equal(passed, backend.Seen.Count);
        }
        finally
        {
            File.Delete(usersFile);
        }
    }

    [Fact]
    public async Task ABadHashDisablesOnlyItsRouterAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $"""
            http:
              routers:
                broken:
                  rule: "PathPrefix(`/broken`)"
                  service: backend
                  middlewares: [auth]
                open:
                  rule: "PathPrefix(`/open`)"
                  service: backend
              middlewares:
                auth:
                  basicAuth:
                    users: ["mallory:cleartext"]
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("app.test", "/broken")).Status);
        Assert.Equal(HttpStatusCode.OK, (await portico.GetAsync("app.test", "/open")).Status);
    }
}

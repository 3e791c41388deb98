using System.Text.Json;

namespace Portico.Tls.Acme;

/// <summary>The directory resource (RFC 8555 §7.1.1).</summary>
internal sealed record AcmeDirectory(Uri NewNonce, Uri NewAccount, Uri NewOrder, Uri? RevokeCert, Uri? KeyChange, string? TermsOfService)
{
    public static AcmeDirectory Parse(JsonElement e) => new(
        Url(e, "newNonce")!, Url(e, "newAccount")!, Url(e, "newOrder")!, Url(e, "revokeCert"), Url(e, "keyChange"),
        e.TryGetProperty("meta", out var meta) && meta.TryGetProperty("termsOfService", out var tos) ? tos.GetString() : null);

    internal static Uri? Url(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? new Uri(v.GetString()!) : null;
}

/// <summary>An account: its URL (the JWS "kid") and the server's JSON body, kept verbatim for storage.</summary>
internal sealed record AcmeAccount(Uri Url, string Body);

/// <summary>An order (RFC 8555 §7.1.3).</summary>
internal sealed record AcmeOrder(Uri Url, string Status, IReadOnlyList<Uri> Authorizations, Uri Finalize, Uri? Certificate, AcmeProblem? Error)
{
    public static AcmeOrder Parse(Uri url, JsonElement e)
    {
        var authorizations = new List<Uri>();
        foreach (var a in e.GetProperty("authorizations").EnumerateArray())
        {
            authorizations.Add(new Uri(a.GetString()!));
        }

        return new AcmeOrder(url, e.GetProperty("status").GetString()!, authorizations, AcmeDirectory.Url(e, "finalize")!,
            AcmeDirectory.Url(e, "certificate"), e.TryGetProperty("error", out var error) ? AcmeProblem.Parse(error) : null);
    }
}

/// <summary>An authorization (RFC 8555 §7.1.4) with its challenges.</summary>
internal sealed record AcmeAuthorization(Uri Url, string Identifier, string Status, bool Wildcard, IReadOnlyList<AcmeChallenge> Challenges)
{
    public static AcmeAuthorization Parse(Uri url, JsonElement e)
    {
        var challenges = new List<AcmeChallenge>();
        foreach (var c in e.GetProperty("challenges").EnumerateArray())
        {
            challenges.Add(AcmeChallenge.Parse(c));
        }

        return new AcmeAuthorization(url, e.GetProperty("identifier").GetProperty("value").GetString()!, e.GetProperty("status").GetString()!,
            e.TryGetProperty("wildcard", out var w) && w.ValueKind == JsonValueKind.True, challenges);
    }

    /// <summary>The first challenge of a type, or null.</summary>
    public AcmeChallenge? Find(string type)
    {
        foreach (var challenge in Challenges)
        {
            if (challenge.Type == type)
            {
                return challenge;
            }
        }

        return null;
    }

    /// <summary>The first problem reported by a challenge, used when the authorization ends invalid.</summary>
    public AcmeProblem? FirstError()
    {
        foreach (var challenge in Challenges)
        {
            if (challenge.Error is not null)
            {
                return challenge.Error;
            }
        }

        return null;
    }
}

/// <summary>A challenge (RFC 8555 §7.1.5).</summary>
internal sealed record AcmeChallenge(string Type, Uri Url, string Status, string? Token, AcmeProblem? Error)
{
    public const string Http01 = "http-01";

    public static AcmeChallenge Parse(JsonElement e) => new(
        e.GetProperty("type").GetString()!, AcmeDirectory.Url(e, "url")!, e.GetProperty("status").GetString()!,
        e.TryGetProperty("token", out var t) ? t.GetString() : null,
        e.TryGetProperty("error", out var error) ? AcmeProblem.Parse(error) : null);
}

/// <summary>An issued certificate: the PEM chain from the CA and the PEM (PKCS#8) private key of its leaf.</summary>
internal sealed record AcmeCertificate(IReadOnlyList<string> Domains, string CertificatePem, string PrivateKeyPem);

using System.Net;
using System.Text.Json;

namespace Portico.Tls.Acme;

/// <summary>An RFC 7807 problem document returned by an ACME server (RFC 8555 §6.7).</summary>
internal sealed record AcmeProblem(string Type, string? Detail, int? Status, IReadOnlyList<AcmeProblem> Subproblems)
{
    public const string BadNonce = "urn:ietf:params:acme:error:badNonce";
    public const string AccountDoesNotExist = "urn:ietf:params:acme:error:accountDoesNotExist";
    public const string RateLimited = "urn:ietf:params:acme:error:rateLimited";

    public static AcmeProblem Parse(JsonElement element)
    {
        var subproblems = new List<AcmeProblem>();
        if (element.TryGetProperty("subproblems", out var subs) && subs.ValueKind == JsonValueKind.Array)
        {
            foreach (var sub in subs.EnumerateArray())
            {
                subproblems.Add(Parse(sub));
            }
        }

        return new AcmeProblem(
            element.TryGetProperty("type", out var type) ? type.GetString() ?? "about:blank" : "about:blank",
            element.TryGetProperty("detail", out var detail) ? detail.GetString() : null,
            element.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number ? status.GetInt32() : null,
            subproblems);
    }

    public override string ToString() => Detail is null ? Type : $"{Type}: {Detail}";
}

/// <summary>
/// The ACME server refused a request or an authorization/order ended invalid. It carries the CA's problem document so
/// callers (and the API) can show the CA's own explanation.
/// </summary>
internal sealed class AcmeException : Exception
{
    public AcmeException(AcmeProblem problem, HttpStatusCode? statusCode = null)
        : base($"ACME error {problem}")
    {
        Problem = problem;
        StatusCode = statusCode;
    }

    public AcmeException(string message)
        : base(message)
    {
        Problem = new AcmeProblem("about:blank", message, null, []);
    }

    public AcmeProblem Problem { get; }

    /// <summary>When the CA asked to be called again (its Retry-After), if it said.</summary>
    public DateTimeOffset? RetryAfter { get; init; }

    public HttpStatusCode? StatusCode { get; }

    public string Type => Problem.Type;

    public string? Detail => Problem.Detail;
}

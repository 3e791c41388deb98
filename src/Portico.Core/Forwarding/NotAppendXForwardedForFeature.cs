namespace Portico.Forwarding;

/// <summary>
/// Set by <see cref="ForwardedHeaders"/> when the entry point has <c>forwardedHeaders.notAppendXForwardedFor</c>:
/// the forwarder then passes X-Forwarded-For on as received instead of appending the peer address.
/// </summary>
internal sealed class NotAppendXForwardedForFeature
{
    public static readonly NotAppendXForwardedForFeature Instance = new();

    private NotAppendXForwardedForFeature()
    {
    }
}

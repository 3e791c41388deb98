namespace Portico.Forwarding;

/// <summary>
/// Where a forwarded request failed. The forwarder returns these as values; <see cref="ProxyErrorExtensions.StatusCode"/>
/// is the one place that maps them to the status the client sees.
/// </summary>
public enum ProxyError
{
    None,

    /// <summary>The backend could not be reached (connection refused, DNS failure, TLS failure).</summary>
    Connect,

    /// <summary>Connecting or waiting for the response headers took longer than the configured timeout.</summary>
    Timeout,

    /// <summary>The request could not be sent, or the backend closed or reset before answering.</summary>
    Request,

    /// <summary>The backend's response head was malformed (bad framing, duplicate lengths, garbage).</summary>
    ResponseHeaders,

    /// <summary>Reading the request body from the client failed (client went away or sent a malformed body).</summary>
    RequestBodyClient,

    /// <summary>Writing the request body to the backend failed.</summary>
    RequestBodyDestination,

    /// <summary>Reading the response body from the backend failed after the response had started.</summary>
    ResponseBodyDestination,

    /// <summary>Writing the response body to the client failed (client went away).</summary>
    ResponseBodyClient,

    /// <summary>The client aborted the request before the backend answered (logged as 499).</summary>
    RequestCanceled,

    /// <summary>A protocol upgrade (WebSocket) failed after the switch.</summary>
    UpgradeFailed,

    /// <summary>There is no healthy server to send the request to.</summary>
    NoAvailableServer,
}

public static class ProxyErrorExtensions
{
    /// <summary>The status code a client receives when the response has not started yet.</summary>
    public static int StatusCode(this ProxyError error) => error switch
    {
        ProxyError.None => 200,
        ProxyError.Timeout => 504,
        ProxyError.RequestCanceled => 499,
        ProxyError.RequestBodyClient => 400,
        ProxyError.NoAvailableServer => 503,
        _ => 502,
    };

    /// <summary>Whether the request may be sent again to another server: nothing reached the backend.</summary>
    public static bool IsSafeToRetry(this ProxyError error) => error is ProxyError.Connect;
}

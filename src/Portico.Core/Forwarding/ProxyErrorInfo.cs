using Microsoft.AspNetCore.Http;

namespace Portico.Forwarding;

/// <summary>
/// Why the last forwarding attempt of a request failed, stored in <see cref="HttpContext.Features"/> by the
/// forwarder so that access logs and error pages can say more than the status code.
/// </summary>
internal sealed class ProxyErrorInfo
{
    public ProxyErrorInfo(ProxyError error, Exception? exception)
    {
        Error = error;
        Exception = exception;
    }

    public ProxyError Error { get; }

    /// <summary>The exception that caused the error, if any; its message is what a log should show.</summary>
    public Exception? Exception { get; }

    public static ProxyErrorInfo? Get(HttpContext context) => context.Features.Get<ProxyErrorInfo>();
}

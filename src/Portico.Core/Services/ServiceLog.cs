using Microsoft.Extensions.Logging;
using Portico.Forwarding;

namespace Portico.Services;

/// <summary>Log messages of the services, generated once (no string building unless the level is enabled).</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceName}: forwarding to {ServerUrl} failed with {Error} ({StatusCode}): {Reason}")]
    public static partial void ForwardFailed(ILogger logger, string serviceName, string serverUrl, ProxyError error, int statusCode, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {ServiceName}: the client went away before {ServerUrl} answered (499)")]
    public static partial void ClientCanceled(ILogger logger, string serviceName, string serverUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceName}: no available server")]
    public static partial void NoAvailableServer(ILogger logger, string serviceName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceName}: server {ServerUrl} is now {Status}")]
    public static partial void ServerStatusChanged(ILogger logger, string serviceName, string serverUrl, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {ServiceName} is now {Status}")]
    public static partial void ServiceStatusChanged(ILogger logger, string serviceName, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mirroring service {ServiceName}: mirror {MirrorName} failed")]
    public static partial void MirrorFailed(ILogger logger, Exception exception, string serviceName, string mirrorName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Failover service {ServiceName}: main answered {StatusCode}, sending the request to the fallback")]
    public static partial void FailoverOnStatus(ILogger logger, string serviceName, int statusCode);
}

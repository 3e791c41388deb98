using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Forwarding;
using Portico.Middlewares;

namespace Portico.Runtime;

/// <summary>The long-lived collaborators every build uses: they do not change with the configuration.</summary>
internal sealed class RuntimeDependencies
{
    public required IHttpForwarder Forwarder { get; init; }

    public MiddlewareRegistry Middlewares { get; init; } = MiddlewareRegistry.Default;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The static <c>serversTransport</c>: the transport of services that name none.</summary>
    public Configuration.Static.ServersTransportConfig DefaultTransport { get; init; } = new();
}

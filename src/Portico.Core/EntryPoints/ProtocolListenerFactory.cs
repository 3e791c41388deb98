using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Portico.EntryPoints;

/// <summary>
/// Kestrel's transport for <see cref="ProtocolEndPoint"/>s: each bound endpoint is a queue that the entry point's
/// listener fills with connections already classified by protocol.
/// </summary>
internal sealed class ProtocolListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly Dictionary<ConnectionProtocol, QueueListener> _listeners = [];
    private readonly Lock _lock = new();

    public bool CanBind(EndPoint endpoint) => endpoint is ProtocolEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var protocolEndPoint = (ProtocolEndPoint)endpoint;
        lock (_lock)
        {
            var listener = new QueueListener(protocolEndPoint);
            _listeners[protocolEndPoint.Protocol] = listener;
            return ValueTask.FromResult<IConnectionListener>(listener);
        }
    }

    /// <summary>Hands a classified connection to Kestrel; false when that protocol is not bound (the caller closes it).</summary>
    public bool TryDispatch(ConnectionProtocol protocol, ConnectionContext connection)
    {
        QueueListener? listener;
        lock (_lock)
        {
            _listeners.TryGetValue(protocol, out listener);
        }

        return listener is not null && listener.Queue.Writer.TryWrite(connection);
    }

    private sealed class QueueListener : IConnectionListener
    {
        public QueueListener(EndPoint endPoint)
        {
            EndPoint = endPoint;
        }

        public Channel<ConnectionContext> Queue { get; } = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = false });

        public EndPoint EndPoint { get; }

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                while (await Queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (Queue.Reader.TryRead(out var connection))
                    {
                        return connection;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            return null;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            Queue.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Queue.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}

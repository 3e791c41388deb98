using System.Net.Sockets;

namespace Portico.Forwarding;

internal sealed partial class HttpForwarder
{
    /// <summary>Maps a failed send (nothing written to the client yet) to the side that failed.</summary>
    private static ProxyError ClassifySendError(Exception ex, CancellationToken aborted, StreamCopyHttpContent? content, CancellationTokenSource? timeout)
    {
        if (aborted.IsCancellationRequested)
        {
            return ProxyError.RequestCanceled;
        }

        if (content is { Error: not ProxyError.None })
        {
            return content.Error;
        }

        if (timeout is { IsCancellationRequested: true } || HasInner<TimeoutException>(ex))
        {
            return ProxyError.Timeout;
        }

        if (ex is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                case HttpRequestError.ConnectionError:
                case HttpRequestError.SecureConnectionError:
                    return ProxyError.Connect;
                case HttpRequestError.InvalidResponse:
                case HttpRequestError.ConfigurationLimitExceeded:
                    return ProxyError.ResponseHeaders;
            }

            if (FindSocketError(ex) is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                return ProxyError.Connect;
            }
        }

        return ProxyError.Request;
    }

    private static bool HasInner<T>(Exception ex)
        where T : Exception
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is T)
            {
                return true;
            }
        }

        return false;
    }

    private static SocketError? FindSocketError(Exception ex)
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}

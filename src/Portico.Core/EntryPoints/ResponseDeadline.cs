using Microsoft.AspNetCore.Http;

namespace Portico.EntryPoints;

/// <summary>
/// Traefik's <c>respondingTimeouts.writeTimeout</c> is Go's <c>WriteTimeout</c>: the response must be written within it,
/// counted from when the request head was read. Kestrel has no such deadline (its minimum response data rate allows
/// each write time in proportion to its size, so at any useful rate a client that stops reading is never cut), so the
/// entry point arms a timer per request that aborts the request if it is still running at the deadline. Like Go's, it
/// also cuts a long download or stream that is still going: that is what the option means, and why it is off by default.
/// </summary>
internal static class ResponseDeadline
{
    public static void Apply(HttpContext context, TimeSpan timeout, TimeProvider time) => AbortTimer.Start(context, timeout, time);
}

/// <summary>
/// Aborts a request when its deadline passes, unless stopped first (by <see cref="Dispose"/>, which the server also calls
/// when the request ends). Shared by the entry point's read and write deadlines.
/// </summary>
internal sealed class AbortTimer : IDisposable
{
    private readonly HttpContext _context;
    private readonly Lock _gate = new();
    private ITimer? _timer;

    private AbortTimer(HttpContext context)
    {
        _context = context;
    }

    public static AbortTimer Start(HttpContext context, TimeSpan timeout, TimeProvider time)
    {
        var deadline = new AbortTimer(context);
        deadline._timer = time.CreateTimer(static state => ((AbortTimer)state!).Expire(), deadline, timeout, Timeout.InfiniteTimeSpan);
        context.Response.RegisterForDispose(deadline);
        return deadline;
    }

    /// <summary>
    /// Stops the deadline. The lock makes it wait for an expiry in progress, so an abort can never land on the next
    /// request of a connection whose context is reused.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Expire()
    {
        lock (_gate)
        {
            if (_timer is null)
            {
                return;
            }

            _timer.Dispose();
            _timer = null;
            _context.Abort();
        }
    }
}

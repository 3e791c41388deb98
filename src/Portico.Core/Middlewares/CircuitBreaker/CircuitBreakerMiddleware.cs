using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Portico.Middlewares.CircuitBreaker;

internal enum BreakerState
{
    /// <summary>Closed: every request goes through and is measured.</summary>
    Standby,

    /// <summary>Open: every request gets the fallback answer until the fallback duration ends.</summary>
    Tripped,

    /// <summary>Half-open: a linearly growing share of requests goes through until the recovery duration ends.</summary>
    Recovering,
}

/// <summary>
/// Traefik's <c>circuitBreaker</c> (oxy's cbreaker): after each answer, at most once per check period, the expression is
/// evaluated over the rolling metrics; when it holds the breaker trips, answers <c>responseCode</c> for the fallback
/// duration, then recovers by letting through a share of requests that grows linearly to one half over the recovery
/// duration, and closes. The expression tripping again while recovering opens it again. All timing is on the injected clock.
/// </summary>
internal sealed class CircuitBreakerMiddleware
{
    private readonly RequestDelegate _next;
    private readonly BreakerCondition _condition;
    private readonly BreakerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly long _checkPeriod;
    private readonly long _fallbackDuration;
    private readonly long _recoveryDuration;
    private readonly int _responseCode;
    private readonly byte[] _responseBody;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly Lock _lock = new();
    private volatile BreakerState _state;
    private long _until;
    private long _nextCheck = long.MinValue;
    private long _recoveryStart;
    private long _allowed;
    private long _denied;

    public CircuitBreakerMiddleware(RequestDelegate next, ParsedBreakerExpression expression, CircuitBreakerOptions options, string name, TimeProvider time, ILogger logger)
    {
        _next = next;
        _condition = expression.Condition;
        _metrics = new BreakerMetrics(expression.Ranges, expression.UsesLatency, time);
        _time = time;
        _checkPeriod = ToTimestamp(options.CheckPeriod, CircuitBreakerOptions.DefaultCheckPeriod, time);
        _fallbackDuration = ToTimestamp(options.FallbackDuration, CircuitBreakerOptions.DefaultFallbackDuration, time);
        _recoveryDuration = ToTimestamp(options.RecoveryDuration, CircuitBreakerOptions.DefaultRecoveryDuration, time);
        _responseCode = options.ResponseCode;
        _responseBody = Encoding.ASCII.GetBytes(ReasonPhrases.GetReasonPhrase(options.ResponseCode));
        _logger = logger;
        _name = name;
    }

    public BreakerState State => _state;

    public Task InvokeAsync(HttpContext context) => InvokeAsync(context, _next);

    /// <summary>
    /// Runs the request through <paramref name="next"/> under this breaker. The breaker's state outlives a reload that
    /// leaves its options unchanged, while <paramref name="next"/> is the pipeline of the configuration the request
    /// started with.
    /// </summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // The closed breaker, the normal case, costs one volatile read before the request is measured.
        if (_state != BreakerState.Standby && UseFallback())
        {
            return WriteFallbackAsync(context);
        }

        return ServeAsync(context, next);
    }

    private async Task ServeAsync(HttpContext context, RequestDelegate next)
    {
        var started = _time.GetTimestamp();
        await next(context).ConfigureAwait(false);
        _metrics.Record(context.Response.StatusCode, _time.GetElapsedTime(started));
        CheckAndSet();
    }

    /// <summary>Whether this request gets the fallback; moves tripped → recovering → standby when their time is up.</summary>
    private bool UseFallback()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            switch (_state)
            {
                case BreakerState.Standby:
                    return false;
                case BreakerState.Tripped when now < _until:
                    return true;
                case BreakerState.Tripped:
                    SetState(BreakerState.Recovering, now + _recoveryDuration);
                    _recoveryStart = now;
                    _allowed = 0;
                    _denied = 0;
                    break;
            }

            if (now > _until)
            {
                SetState(BreakerState.Standby, now);
                return false;
            }

            return !AllowWhileRecovering(now);
        }
    }

    /// <summary>
    /// oxy's ratio controller: the target share of allowed requests grows as 0.5 × elapsed / recovery duration, and a
    /// request is allowed when allowing it keeps the share below the target.
    /// </summary>
    private bool AllowWhileRecovering(long now)
    {
        var target = 0.5 * (now - _recoveryStart) / _recoveryDuration;
        if ((double)(_allowed + 1) / (_allowed + 1 + _denied) < target)
        {
            _allowed++;
            return true;
        }

        _denied++;
        return false;
    }

    /// <summary>Evaluates the expression at most once per check period; trips (and forgets the metrics) when it holds.</summary>
    private void CheckAndSet()
    {
        var now = _time.GetTimestamp();
        if (now <= Volatile.Read(ref _nextCheck))
        {
            return;
        }

        lock (_lock)
        {
            if (now <= _nextCheck)
            {
                return;
            }

            _nextCheck = now + _checkPeriod;
            if (_state == BreakerState.Tripped || !_condition.Evaluate(_metrics))
            {
                return;
            }

            SetState(BreakerState.Tripped, now + _fallbackDuration);
            _metrics.Reset();
        }
    }

    private void SetState(BreakerState state, long until)
    {
        if (_state != state)
        {
            BreakerLog.StateChanged(_logger, _name, _state, state);
        }

        _state = state;
        _until = until;
    }

    private Task WriteFallbackAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = _responseCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = _responseBody.Length;
        return _responseBody.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(_responseBody, context.RequestAborted).AsTask();
    }

    private static long ToTimestamp(TimeSpan value, TimeSpan fallback, TimeProvider time)
    {
        var duration = value > TimeSpan.Zero ? value : fallback;
        return Math.Max(1, (long)(duration.TotalSeconds * time.TimestampFrequency));
    }
}

internal static partial class BreakerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Circuit breaker {Middleware}: {From} -> {To}")]
    public static partial void StateChanged(ILogger logger, string middleware, BreakerState from, BreakerState to);
}

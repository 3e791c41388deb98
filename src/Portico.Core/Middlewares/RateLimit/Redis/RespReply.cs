namespace Portico.Middlewares.RateLimit.Redis;

internal enum RespKind
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
    Null,
}

/// <summary>One RESP2 reply. Error replies are values: the connection stays usable after them.</summary>
internal sealed record RespReply(RespKind Kind, string? Text = null, long Integer = 0, RespReply[]? Items = null)
{
    public static readonly RespReply Null = new(RespKind.Null);

    public bool IsError => Kind == RespKind.Error;

    public override string ToString() => Kind switch
    {
        RespKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        RespKind.Array => "[" + string.Join(", ", Items!.Select(i => i.ToString())) + "]",
        RespKind.Null => "(nil)",
        _ => Text ?? string.Empty,
    };
}

/// <summary>Redis answered with an error, or the connection broke mid-reply.</summary>
internal sealed class RedisException(string message, Exception? inner = null) : Exception(message, inner);

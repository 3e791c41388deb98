namespace Portico.Observability.AccessLog;

/// <summary>The access log's core fields, named exactly as Traefik names them (the JSON keys and <c>fields.names</c> keys).</summary>
internal enum AccessLogField
{
    StartUTC,
    StartLocal,
    Duration,
    RouterName,
    ServiceName,
    ServiceURL,
    ServiceAddr,
    ClientAddr,
    ClientHost,
    ClientPort,
    ClientUsername,
    RequestAddr,
    RequestHost,
    RequestPort,
    RequestMethod,
    RequestPath,
    RequestProtocol,
    RequestScheme,
    RequestContentSize,
    RequestCount,
    OriginDuration,
    OriginContentSize,
    OriginStatus,
    DownstreamStatus,
    DownstreamContentSize,
    GzipRatio,
    Overhead,
    RetryAttempts,
    TLSVersion,
    TLSCipher,
    TLSClientSubject,
    EntryPointName,
}

/// <summary>What happens to a field or header: written as is, left out, or written as <c>REDACTED</c>.</summary>
internal enum FieldMode : byte
{
    Keep,
    Drop,
    Redact,
}

internal enum AccessLogFormat
{
    Common,
    GenericClf,
    Json,
}

internal static class AccessLogFields
{
    public const int Count = (int)AccessLogField.EntryPointName + 1;

    public const string Redacted = "REDACTED";

    /// <summary>The key of each field; <c>entryPointName</c> is lower camel case in Traefik too.</summary>
    public static readonly string[] Names = BuildNames();

    public static bool TryParseMode(string? text, out FieldMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "keep":
                mode = FieldMode.Keep;
                return true;
            case "drop":
                mode = FieldMode.Drop;
                return true;
            case "redact":
                mode = FieldMode.Redact;
                return true;
            default:
                mode = FieldMode.Keep;
                return false;
        }
    }

    public static bool TryParseField(string name, out AccessLogField field)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                field = (AccessLogField)i;
                return true;
            }
        }

        field = default;
        return false;
    }

    private static string[] BuildNames()
    {
        var names = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            names[i] = ((AccessLogField)i).ToString();
        }

        names[(int)AccessLogField.EntryPointName] = "entryPointName";
        return names;
    }
}

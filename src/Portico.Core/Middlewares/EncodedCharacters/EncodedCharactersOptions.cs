namespace Portico.Middlewares.EncodedCharacters;

/// <summary>
/// Traefik <c>encodedCharacters</c> options. Unlike the entry point's options of the same names, every flag is false by
/// default here: the middleware exists to reject.
/// </summary>
internal sealed record EncodedCharactersOptions
{
    public bool AllowEncodedSlash { get; init; }

    public bool AllowEncodedBackSlash { get; init; }

    public bool AllowEncodedNullCharacter { get; init; }

    public bool AllowEncodedSemicolon { get; init; }

    public bool AllowEncodedPercent { get; init; }

    public bool AllowEncodedQuestionMark { get; init; }

    public bool AllowEncodedHash { get; init; }
}

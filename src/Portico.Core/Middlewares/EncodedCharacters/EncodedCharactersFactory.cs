using Microsoft.AspNetCore.Http;
using Portico.Configuration.Static;

namespace Portico.Middlewares.EncodedCharacters;

internal sealed class EncodedCharactersFactory : IMiddlewareFactory
{
    public string TypeName => "encodedCharacters";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<EncodedCharactersOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var allowed = new EncodedCharactersConfig
        {
            AllowEncodedSlash = options.AllowEncodedSlash,
            AllowEncodedBackSlash = options.AllowEncodedBackSlash,
            AllowEncodedNullCharacter = options.AllowEncodedNullCharacter,
            AllowEncodedSemicolon = options.AllowEncodedSemicolon,
            AllowEncodedPercent = options.AllowEncodedPercent,
            AllowEncodedQuestionMark = options.AllowEncodedQuestionMark,
            AllowEncodedHash = options.AllowEncodedHash,
        };

        // With everything allowed there is nothing to check, as in Traefik.
        if (allowed == new EncodedCharactersConfig())
        {
            return next => next;
        }

        return next => new EncodedCharactersMiddleware(next, allowed).InvokeAsync;
    }
}

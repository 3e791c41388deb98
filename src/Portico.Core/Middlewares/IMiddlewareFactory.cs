using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares;

/// <summary>
/// Builds one type of HTTP middleware (<c>http.middlewares.&lt;name&gt;.&lt;type&gt;</c>) from its options. Factories are found
/// by <see cref="MiddlewareRegistry"/>: adding a middleware never edits a central list.
/// </summary>
internal interface IMiddlewareFactory
{
    /// <summary>Traefik's type name, for example <c>stripPrefix</c>; matched ignoring case.</summary>
    string TypeName { get; }

    /// <summary>
    /// Validates the options and returns the middleware, or null after adding at least one error to
    /// <see cref="MiddlewareContext.Errors"/>.
    /// </summary>
    Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context);
}

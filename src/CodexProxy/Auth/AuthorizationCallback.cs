using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace CodexProxy.Auth;

/// <summary>
/// The parameters of the final redirect (<c>/auth/callback?code=…&amp;state=…</c>), whether it reached the loopback
/// listener or the user pasted the URL. A wrong <c>state</c> is rejected: it may be a forged request.
/// </summary>
internal sealed record AuthorizationCallback(string? Code, string? Rejection, string? Failure)
{
    public static AuthorizationCallback FromQuery(IDictionary<string, StringValues> query, string expectedState)
    {
        string? Get(string name) => query.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;

        if (Get("state") != expectedState)
        {
            return new AuthorizationCallback(null, "State mismatch: this callback does not belong to the running login.", null);
        }

        if (Get("error") is { } error)
        {
            var description = Get("error_description");
            var hint = description?.Contains("missing_codex_entitlement", StringComparison.Ordinal) == true
                ? "Codex is not enabled for this ChatGPT workspace."
                : description ?? error;
            return new AuthorizationCallback(null, null, $"The login was refused: {hint}");
        }

        return Get("code") is { } code
            ? new AuthorizationCallback(code, null, null)
            : new AuthorizationCallback(null, "The callback carried no authorization code.", null);
    }

    /// <summary>A pasted redirect URL (or just its query string).</summary>
    public static AuthorizationCallback FromPastedUrl(string pasted, string expectedState)
    {
        var text = pasted.Trim().Trim('"', '\'');
        var queryStart = text.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
        {
            return new AuthorizationCallback(null, "That is not the redirect URL: it should contain ?code=…&state=….", null);
        }

        var query = text[queryStart..];
        var fragment = query.IndexOf('#', StringComparison.Ordinal);
        return FromQuery(QueryHelpers.ParseQuery(fragment < 0 ? query : query[..fragment]), expectedState);
    }
}

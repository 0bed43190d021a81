namespace CodexProxy.Auth;

/// <summary>Every OAuth URL, derived from one base (<c>CODEX_AUTH_BASE_URL</c>) so tests and mirrors can redirect all of them.</summary>
internal sealed record AuthEndpoints(Uri BaseUrl)
{
    /// <summary>The public client id of the Codex CLI; the backend only accepts this one.</summary>
    public const string ClientId = "app_EMoamEEZ73f0CkXaXp7hrann";

    public const string Scopes = "openid profile email offline_access api.connectors.read api.connectors.invoke";

    private string Base => BaseUrl.AbsoluteUri.TrimEnd('/');

    public Uri Authorize => new($"{Base}/oauth/authorize");

    public Uri Token => new($"{Base}/oauth/token");

    public Uri Revoke => new($"{Base}/oauth/revoke");

    public Uri DeviceUserCode => new($"{Base}/api/accounts/deviceauth/usercode");

    public Uri DeviceToken => new($"{Base}/api/accounts/deviceauth/token");

    /// <summary>The redirect_uri the device flow's code was issued for.</summary>
    public string DeviceCallback => $"{Base}/deviceauth/callback";

    /// <summary>Where the user types the device code.</summary>
    public string DeviceVerification => $"{Base}/codex/device";
}

using System.Globalization;
using System.Text.Json;

namespace CodexProxy.Auth;

/// <summary>The headless device-code login (RFC 8628, https://www.rfc-editor.org/rfc/rfc8628): show a URL and a code, poll until the user approves, exchange.</summary>
internal sealed class DeviceCodeLogin(OAuthClient oauth, TimeProvider time)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary><paramref name="showCode"/> receives the verification URL and the user code.</summary>
    public async Task<TokenEndpointResponse> RunAsync(Action<string, string> showCode, CancellationToken cancellationToken)
    {
        var start = await oauth.RequestDeviceCodeAsync(cancellationToken);
        var userCode = start.UserCode ?? start.UserCodeAlias;
        if (start.DeviceAuthId is not { Length: > 0 } deviceAuthId || userCode is not { Length: > 0 })
        {
            throw new LoginFailedException("The auth server's device login answer had no code.");
        }

        showCode(oauth.Endpoints.DeviceVerification, userCode);
        var interval = ParseInterval(start.Interval);
        var deadline = time.GetUtcNow() + Timeout;
        while (true)
        {
            await Task.Delay(interval, time, cancellationToken);
            if (time.GetUtcNow() >= deadline)
            {
                throw new LoginFailedException("The device code expired after 15 minutes without approval. Run `login --device` again.");
            }

            var approved = await oauth.PollDeviceTokenAsync(deviceAuthId, userCode, cancellationToken);
            if (approved is null)
            {
                continue;
            }

            if (approved.AuthorizationCode is not { Length: > 0 } code || approved.CodeVerifier is not { Length: > 0 } verifier)
            {
                throw new LoginFailedException("The auth server approved the device login but sent no authorization code.");
            }

            return await oauth.ExchangeCodeAsync(code, oauth.Endpoints.DeviceCallback, verifier, cancellationToken);
        }
    }

    /// <summary><c>interval</c> is a string of seconds (sometimes a number); never poll faster than once a second.</summary>
    private static TimeSpan ParseInterval(JsonElement interval)
    {
        var seconds = interval.ValueKind switch
        {
            JsonValueKind.String when double.TryParse(interval.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
            JsonValueKind.Number => interval.GetDouble(),
            _ => DefaultInterval.TotalSeconds,
        };
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 60));
    }
}

using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// A stand-in for auth.openai.com on 127.0.0.1:0: authorize (redirects with code + state), token (code exchange with
/// PKCE check, refresh with rotation and <c>refresh_token_reused</c>), device endpoints and revoke.
/// </summary>
internal sealed class FakeOAuthServer : IAsyncDisposable
{
    public const string ClientId = "app_EMoamEEZ73f0CkXaXp7hrann";
    public const string Email = "user@example.com";
    public const string Plan = "pro";
    public const string AccountId = "acct-1234567890abcdef";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new();
    private readonly Lock _lock = new();
    private int _refreshCount;
    private int _exchangeCount;
    private int _devicePolls;
    private int _sequence;

    private FakeOAuthServer(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int RefreshCount => Volatile.Read(ref _refreshCount);

    public int ExchangeCount => Volatile.Read(ref _exchangeCount);

    public int DevicePolls => Volatile.Read(ref _devicePolls);

    /// <summary>Every token, code and verifier that crossed this server: none may ever appear in a log.</summary>
    public ConcurrentBag<string> Secrets { get; } = [];

    public ConcurrentBag<string> RevokedTokens { get; } = [];

    public ConcurrentBag<string> RefreshContentTypes { get; } = [];

    public string? LastExchangeRedirectUri { get; private set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Widens race windows: each refresh answer waits this long.</summary>
    public TimeSpan RefreshDelay { get; set; }

    /// <summary>When set, /oauth/authorize redirects with a different state (a forged callback).</summary>
    public bool TamperState { get; set; }

    /// <summary>How many device polls answer "pending" (alternating 403 and 404) before approval; -1 = never approve.</summary>
    public int DevicePendingPolls { get; set; } = 2;

    /// <summary>When set, /oauth/token answers refreshes with this status (e.g. 500) and no rotation.</summary>
    public int? RefreshFailureStatus { get; set; }

    public static async Task<FakeOAuthServer> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOAuthServer(app, time ?? TimeProvider.System);
        app.MapGet("/oauth/authorize", server.Authorize);
        app.MapPost("/oauth/token", server.TokenAsync);
        app.MapPost("/oauth/revoke", server.RevokeAsync);
        app.MapPost("/api/accounts/deviceauth/usercode", () => Results.Json(new JsonObject
        {
            ["device_auth_id"] = "dev-auth-1",
            ["user_code"] = "ABCD-1234",
            ["interval"] = "1",
        }));
        app.MapPost("/api/accounts/deviceauth/token", server.DeviceToken);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address);
        return server;
    }

    /// <summary>A valid login issued directly (to seed token files), its access token expiring after <paramref name="lifetime"/>.</summary>
    public (string AccessToken, string RefreshToken, string IdToken) IssueLogin(TimeSpan lifetime)
    {
        var n = Interlocked.Increment(ref _sequence);
        var access = MakeJwt(_time.GetUtcNow() + lifetime, $"at{n}");
        var refresh = $"rt-{n}-{Guid.NewGuid():N}";
        var id = MakeJwt(_time.GetUtcNow() + TimeSpan.FromHours(1), $"id{n}");
        _refreshTokens[refresh] = true;
        Secrets.Add(access);
        Secrets.Add(refresh);
        Secrets.Add(id);
        return (access, refresh, id);
    }

    public static string MakeJwt(DateTimeOffset expires, string nonce)
    {
        var payload = new JsonObject
        {
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["email"] = Email,
            ["nonce"] = nonce,
            ["https://api.openai.com/auth"] = new JsonObject { ["chatgpt_account_id"] = AccountId, ["chatgpt_plan_type"] = Plan },
        };
        static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        return $"{Encode("""{"alg":"none"}""")}.{Encode(payload.ToJsonString())}.sig{nonce}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
            || !q["scope"].ToString().Contains("offline_access", StringComparison.Ordinal) || string.IsNullOrEmpty(q["code_challenge"]))
        {
            return Results.BadRequest("bad authorize parameters");
        }

        var code = $"code-{Guid.NewGuid():N}";
        Secrets.Add(code);
        _codes[code] = (q["code_challenge"].ToString(), q["redirect_uri"].ToString());
        var state = TamperState ? "forged-state" : q["state"].ToString();
        return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(state)}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            Secrets.Add(form["code_verifier"].ToString());
            if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId
                || !_codes.TryRemove(form["code"].ToString(), out var issued) || issued.RedirectUri != form["redirect_uri"]
                || issued.Challenge != Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))))
            {
                return Results.Json(new JsonObject { ["error"] = "invalid_grant" }, statusCode: 400);
            }

            Interlocked.Increment(ref _exchangeCount);
            LastExchangeRedirectUri = form["redirect_uri"];
            return Results.Json(IssueTokens(withIdToken: true));
        }

        RefreshContentTypes.Add(request.ContentType ?? string.Empty);
        var body = await JsonNode.ParseAsync(request.Body);
        var refresh = body?["refresh_token"]?.GetValue<string>() ?? string.Empty;
        Interlocked.Increment(ref _refreshCount);
        if (RefreshDelay > TimeSpan.Zero)
        {
            await Task.Delay(RefreshDelay);
        }

        if (RefreshFailureStatus is { } status)
        {
            return Results.Json(new JsonObject { ["error"] = "server_error" }, statusCode: status);
        }

        lock (_lock)
        {
            if (body?["grant_type"]?.GetValue<string>() != "refresh_token" || body["client_id"]?.GetValue<string>() != ClientId
                || !_refreshTokens.TryGetValue(refresh, out var alive))
            {
                return Results.Json(new JsonObject { ["error"] = "invalid_grant" }, statusCode: 400);
            }

            if (!alive)
            {
                return Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "refresh_token_reused", ["message"] = "reused" } }, statusCode: 400);
            }

            _refreshTokens[refresh] = false;
            return Results.Json(IssueTokens(withIdToken: false));
        }
    }

    private JsonObject IssueTokens(bool withIdToken)
    {
        var n = Interlocked.Increment(ref _sequence);
        var access = MakeJwt(_time.GetUtcNow() + AccessTokenLifetime, $"at{n}");
        var refresh = $"rt-{n}-{Guid.NewGuid():N}";
        _refreshTokens[refresh] = true;
        Secrets.Add(access);
        Secrets.Add(refresh);
        var answer = new JsonObject { ["access_token"] = access, ["refresh_token"] = refresh, ["expires_in"] = (long)AccessTokenLifetime.TotalSeconds };
        if (withIdToken)
        {
            var id = MakeJwt(_time.GetUtcNow() + TimeSpan.FromHours(1), $"id{n}");
            Secrets.Add(id);
            answer["id_token"] = id;
        }

        return answer;
    }

    private async Task<IResult> RevokeAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        RevokedTokens.Add(body?["token"]?.GetValue<string>() ?? string.Empty);
        return Results.Ok();
    }

    private IResult DeviceToken()
    {
        var poll = Interlocked.Increment(ref _devicePolls);
        if (DevicePendingPolls < 0 || poll <= DevicePendingPolls)
        {
            return Results.StatusCode(poll % 2 == 1 ? 403 : 404);
        }

        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var code = $"devcode-{Guid.NewGuid():N}";
        _codes[code] = (challenge, BaseUrl.AbsoluteUri.TrimEnd('/') + "/deviceauth/callback");
        Secrets.Add(code);
        Secrets.Add(verifier);
        return Results.Json(new JsonObject { ["authorization_code"] = code, ["code_challenge"] = challenge, ["code_verifier"] = verifier });
    }
}

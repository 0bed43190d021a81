using System.Net;
using System.Net.Sockets;
using CodexProxy.Auth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class PkceLoginTests
{
    private static readonly int[] AnyPort = [0];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BrowserLogin_FollowingTheAuthorizeUrl_ExchangesTheCodeEndToEnd()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var auth = env.CreateComponents();
        var login = new PkceLogin(auth.OAuth, env.Time, auth.Logger) { CallbackPorts = AnyPort };
        using var browser = new HttpClient();
        Uri? authorizeUrl = null;
        Task<HttpResponseMessage>? pageTask = null;

        var response = await login.RunAsync(
            new LoginInteraction
            {
                OpenAuthorizeUrlAsync = (url, _) =>
                {
                    // Like a browser: the page load outlives the login's own wait.
                    authorizeUrl = url;
                    pageTask = browser.GetAsync(url, Ct);
                    return pageTask;
                },
            },
            Ct);
        using var page = await pageTask!;
        var tokens = auth.SaveLogin(response);

        var query = QueryHelpers.ParseQuery(authorizeUrl!.Query);
        Assert.StartsWith(env.Server.BaseUrl.AbsoluteUri.TrimEnd('/') + "/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann", authorizeUrl.AbsoluteUri, StringComparison.Ordinal);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/auth/callback$", query["redirect_uri"].ToString());
        Assert.Equal(AuthEndpoints.Scopes, query["scope"]);
        Assert.Equal("true", query["codex_cli_simplified_flow"]);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Signed in", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(1, env.Server.ExchangeCount);
        Assert.Equal(query["redirect_uri"], env.Server.LastExchangeRedirectUri);
        Assert.Equal(Fakes.FakeOAuthServer.Email, tokens.ReadIdentity()?.Email);
        Assert.Equal(tokens.AccessToken, env.ReadTokensFile().AccessToken);
        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task PastedRedirectUrl_CompletesTheLogin_AfterRejectingGarbage()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var auth = env.CreateComponents();
        var login = new PkceLogin(auth.OAuth, env.Time, auth.Logger) { CallbackPorts = AnyPort };
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var location = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pasted = new Queue<Func<Task<string?>>>([() => Task.FromResult<string?>("not a url"), async () => await location.Task]);
        var rejections = new List<string>();

        var response = await login.RunAsync(
            new LoginInteraction
            {
                // The browser is on another machine: it gets the redirect but cannot reach our listener.
                OpenAuthorizeUrlAsync = async (url, ct) =>
                {
                    using var answer = await noRedirects.GetAsync(url, ct);
                    location.SetResult(answer.Headers.Location!.AbsoluteUri);
                },
                ReadPastedUrlAsync = _ => pasted.Dequeue()(),
                PasteRejected = rejections.Add,
            },
            Ct);

        Assert.NotNull(response.AccessToken);
        Assert.Single(rejections);
        Assert.Equal(1, env.Server.ExchangeCount);
    }

    [Fact]
    public async Task CallbackWithWrongState_IsRejected_AndTheLoginKeepsWaiting()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.Server.TamperState = true;
        var auth = env.CreateComponents();
        var login = new PkceLogin(auth.OAuth, env.Time, auth.Logger) { CallbackPorts = AnyPort };
        using var browser = new HttpClient();
        var callbackStatus = new TaskCompletionSource<HttpStatusCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var running = login.RunAsync(
            new LoginInteraction
            {
                OpenAuthorizeUrlAsync = async (url, ct) =>
                {
                    using var page = await browser.GetAsync(url, ct);
                    callbackStatus.SetResult(page.StatusCode);
                },
            },
            cancel.Token);

        Assert.Equal(HttpStatusCode.BadRequest, await callbackStatus.Task.WaitAsync(Ct));
        await Task.Delay(100, Ct);
        Assert.False(running.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(0, env.Server.ExchangeCount);
    }

    [Fact]
    public async Task BusyPort1455_FallsBackToAnotherPort()
    {
        TcpListener? blocker = null;
        try
        {
            blocker = new TcpListener(IPAddress.Loopback, 1455);
            blocker.Start();
        }
        catch (SocketException)
        {
            blocker = null; // Already busy (something else holds it): exactly the case under test.
        }

        try
        {
            await using var listener = await LoopbackCallbackListener.StartAsync("state", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, LoopbackCallbackListener.DefaultPorts, Ct);

            Assert.NotEqual(1455, listener.Port);
            Assert.Equal($"http://127.0.0.1:{listener.Port}/auth/callback", listener.RedirectUri);
        }
        finally
        {
            blocker?.Stop();
        }
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Mode", "no-cors")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Host", "evil.example:{port}")]
    public async Task CancelFromAWebPage_IsRefused_AndTheLoginKeepsWaiting(string header, string value)
    {
        await using var listener = await LoopbackCallbackListener.StartAsync(
            "state", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, AnyPort, Ct);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{listener.Port}/cancel");
        request.Headers.TryAddWithoutValidation(header, value.Replace("{port}", listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        using var answer = await client.SendAsync(request, Ct);
        await Task.Delay(50, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.False(listener.Code.IsCompleted);
    }

    [Fact]
    public async Task CancelFromAnotherLoginProgram_EndsTheLogin()
    {
        await using var listener = await LoopbackCallbackListener.StartAsync(
            "state", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, AnyPort, Ct);
        using var client = new HttpClient();

        using var answer = await client.GetAsync($"http://127.0.0.1:{listener.Port}/cancel", Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var error = await Assert.ThrowsAsync<LoginFailedException>(() => listener.Code.WaitAsync(Ct));
        Assert.Contains("cancelled", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1455/auth/callback?code=the-code&state=s1")]
    [InlineData("http://localhost:1455/auth/callback?code=the-code&state=s1")]
    [InlineData("  'http://localhost:1457/auth/callback?code=the-code&state=s1#'  ")]
    public void PastedRedirectUrl_IsAccepted_WithEitherLoopbackName(string pasted)
    {
        var callback = AuthorizationCallback.FromPastedUrl(pasted, "s1");

        Assert.Equal(("the-code", null), (callback.Code, callback.Rejection));
    }

    [Fact]
    public async Task NoCallbackWithinTenMinutes_FailsWithAClearMessage()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await AuthTestEnvironment.CreateAsync(time);
        var auth = env.CreateComponents();
        var login = new PkceLogin(auth.OAuth, time, auth.Logger) { CallbackPorts = AnyPort };
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = login.RunAsync(new LoginInteraction { OpenAuthorizeUrlAsync = (_, _) => { opened.SetResult(); return Task.CompletedTask; } }, Ct);
        await opened.Task.WaitAsync(Ct);
        for (var i = 0; i < 100 && !running.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(10, Ct);
        }

        var error = await Assert.ThrowsAsync<LoginFailedException>(() => running);
        Assert.Contains("10 minutes", error.Message, StringComparison.Ordinal);
    }
}

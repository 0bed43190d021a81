using System.Buffers;
using System.Net;
using CodexProxy.Anthropic;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Diagnostics;
using CodexProxy.Hosting.OpenAI;
using CodexProxy.IO;
using CodexProxy.Logging;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using CodexProxy.Translation.Tokens;
using CodexProxy.Usage;

namespace CodexProxy.Hosting;

/// <summary>Builds the web application. Tests call this too, with <c>Port = 0</c> and their own services.</summary>
internal static class ProxyApp
{
    /// <summary>Configuration comes from the environment; watching the working directory (recursively) for
    /// <c>appsettings.json</c> changes only costs start-up time and inotify watches.</summary>
    private static readonly string[] NoConfigReload = ["--hostBuilder:reloadConfigOnChange=false"];

    public static WebApplication Create(ProxyOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        options.EnsureValid();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = NoConfigReload });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Large Claude Code histories with images are normal, hence the generous default; past it, 413.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Listen(options.ListenAddress(), options.Port);
        });
        // One provider for every sink, so redaction cannot be bypassed by a sink that was forgotten.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Services.AddSingleton(new LogSinks(options.LogToConsole ? LogSinks.BufferedStandardError() : TextWriter.Null, options.LogFile));
        builder.Services.AddSingleton<ILoggerProvider, ProxyLoggerProvider>();
        LogRedactor.AddSecret(options.ProxyApiKey);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Hosting's diagnostics logger writes only request start/finish lines (Information), which the request log
        // already covers; while it is enabled at all, hosting starts an Activity and a log scope for every request
        // (seen in the request path's profile). Unhandled exceptions are logged by Kestrel's own category.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, AnthropicJsonContext.Default));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ActivityGauges>();
        builder.Services.AddSingleton<MessageHistoryParser>();
        builder.Services.AddSingleton(services => AuthComponents.FromEnvironment(
            options, Environment.GetEnvironmentVariables(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<ICodexCredentials>(services => services.GetRequiredService<AuthComponents>().CreateCredentials());
        // Each account's usage windows learn from that account's answers (CodexClient tells them), so they are not
        // registered as observers of every answer.
        builder.Services.AddSingleton(services => new AccountPool(
            services.GetRequiredService<AuthComponents>(), services.GetRequiredService<ICodexCredentials>(), services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(services => new AccountRouter(services.GetRequiredService<AccountPool>(), services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<CodexClientState>();
        builder.Services.AddSingleton(CodexClient.CreateHttpClient());
        builder.Services.AddSingleton<ArrayPool<byte>>(BodyBufferPool.Instance);
        builder.Services.AddSingleton<CodexClient>();
        builder.Services.AddSingleton(UpstreamRetryPolicy.Default);
        builder.Services.AddSingleton<CodexWebSocketTransport>();
        builder.Services.AddSingleton<CodexUpstream>();
        builder.Services.AddSingleton<TokenCalibration>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<IUpstreamHeadersObserver>(services => services.GetRequiredService<ModelCatalog>());
        builder.Services.AddSingleton(services => new UsageHistoryWriter(UsageDatabase.PathIn(options.Home),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<UsageHistoryWriter>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<UsageHistoryWriter>());

        configure?.Invoke(builder);

        var app = builder.Build();
        if (options.ProxyApiKey is null && !IPAddress.IsLoopback(options.ListenAddress()))
        {
            ProxyLog.ExposedWithoutKey(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxyApp)), options.Host);
        }

        // No CORS middleware on purpose: browsers must not be able to drive a local proxy holding a ChatGPT login.
        // The edge guard runs first, so a refused request is never read, logged as served, or checked for a key.
        app.UseMiddleware<EdgeGuardMiddleware>();
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<ProxyKeyMiddleware>();
        app.MapHealth();
        app.MapMessages();
        app.MapCountTokens();
        app.MapModels();
        app.MapChatCompletions();
        app.MapResponses();
        app.MapFallback(FallbackEndpoint.Handle);
        return app;
    }
}

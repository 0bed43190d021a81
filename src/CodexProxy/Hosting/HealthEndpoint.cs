using System.Text.Json.Serialization;
using CodexProxy.Auth;

namespace CodexProxy.Hosting;

/// <summary><c>GET /health</c>, and <c>HEAD /</c> for Claude Code's (Bun's) preconnect.</summary>
internal static class HealthEndpoint
{
    public static readonly string Version = typeof(HealthEndpoint).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (ICodexCredentials credentials) =>
            TypedResults.Json(new HealthReport("ok", credentials.HasLogin, Version), HostingJsonContext.Default.HealthReport));
        app.MapMethods("/", ["HEAD", "GET"], () => TypedResults.Ok());
    }
}

internal sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("authenticated")] bool Authenticated,
    [property: JsonPropertyName("version")] string Version);

[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;

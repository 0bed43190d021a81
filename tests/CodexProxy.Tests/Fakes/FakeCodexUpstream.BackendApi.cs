using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The <c>https://chatgpt.com/backend-api/...</c> surface the official Codex CLI needs before and during a turn
/// (see Codex/CodexCliGolden/README.md): <c>POST /backend-api/codex/responses</c> (the same handler as <c>/codex/responses</c>),
/// <c>GET /backend-api/codex/responses</c> (the WebSocket, see <c>FakeCodexUpstream.WebSocket.cs</c>),
/// <c>GET /backend-api/codex/models</c> and <c>GET /backend-api/wham/accounts/check</c>. Everything else is a 404.
/// Only mapped when the fake listens with HTTPS: the CLI refuses plain-http ChatGPT origins.
/// </summary>
internal sealed partial class FakeCodexUpstream
{
    public const string AccountId = "acc-codex-cli";

    private readonly List<RecordedRequest> _backendCalls = [];

    /// <summary>Every request under <c>/backend-api/</c> other than the response POSTs (those are in <see cref="Requests"/>):
    /// the WebSocket attempts, catalogue and account look-ups, plugin, MCP and analytics calls, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> BackendCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _backendCalls];
            }
        }
    }

    /// <summary>The WebSocket upgrade attempts on <c>GET /backend-api/codex/responses</c> or <c>GET /codex/responses</c>
    /// (answered 426 unless <see cref="AcceptWebSockets"/>).</summary>
    public IReadOnlyList<RecordedRequest> WebSocketAttempts =>
        BackendCalls.Where(call => call.Method == HttpMethods.Get && call.Path.Split('?')[0].EndsWith("/codex/responses", StringComparison.Ordinal)).ToArray();

    private void MapBackendApi(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? string.Empty;
            var isResponsePost = HttpMethods.IsPost(http.Request.Method) && path == "/backend-api/codex/responses";
            if (path.StartsWith("/backend-api/", StringComparison.Ordinal) && !isResponsePost)
            {
                var call = await RecordAsync(http.Request);
                lock (_gate)
                {
                    _backendCalls.Add(call);
                    call.Number = _backendCalls.Count;
                }
            }

            await next(http);
        });
        app.MapPost("/backend-api/codex/responses", HandleAsync);
        app.MapGet("/backend-api/codex/responses", HandleWebSocketAsync);
        app.MapGet("/backend-api/codex/models", (HttpRequest request) =>
        {
            ModelsAuthorization = request.Headers.Authorization;
            return ModelsFailureStatus is { } status
                ? Results.Text("""{"detail":"Internal Server Error"}""", "application/json", statusCode: status)
                : ModelsCatalogue is { } catalogue
                    ? Results.Text(FilterCatalogue(catalogue, request.Query["client_version"]), "application/json")
                    : Results.Text("""{"detail":"Not Found"}""", "application/json", statusCode: StatusCodes.Status404NotFound);
        });
        app.MapGet("/backend-api/wham/accounts/check", (HttpRequest request) => Results.Text(
            AccountsCheck($"{request.Scheme}://{request.Host}"), "application/json"));
    }

    /// <summary>One ChatGPT Plus workspace without a residency constraint. The CLI needs an https
    /// <c>workspace_backend_origin</c> (or the literal <c>NO_CONSTRAINT</c>): null fails with
    /// "workspace routing discovery missing backend origin" and no turn is sent.</summary>
    internal static string AccountsCheck(string origin)
    {
        var account = new JsonObject
        {
            ["id"] = AccountId,
            ["plan_type"] = "plus",
            ["workspace_backend_origin"] = origin,
            ["account_routing_override"] = "NO_CONSTRAINT",
        };
        return new JsonObject
        {
            ["accounts"] = new JsonArray(account),
            ["default_account_id"] = AccountId,
        }.ToJsonString();
    }

    /// <summary>Leaves out the models whose <c>minimal_client_version</c> is above <paramref name="clientVersion"/>,
    /// as the backend does. The official client always names its version; a request without a parsable one is
    /// served as the oldest client (only models without a minimal version), so a client that forgets it cannot see
    /// today's models here either.</summary>
    internal static string FilterCatalogue(string catalogue, string? clientVersion)
    {
        var client = Version.TryParse(clientVersion, out var parsed) ? parsed : new Version(0, 0, 0);
        if (JsonNode.Parse(catalogue) is not JsonObject root || root["models"] is not JsonArray models)
        {
            return catalogue;
        }

        foreach (var model in models.ToArray())
        {
            if (model?["minimal_client_version"]?.GetValue<string>() is { } minimal && Version.TryParse(minimal, out var required)
                && required > client)
            {
                models.Remove(model);
            }
        }

        return root.ToJsonString();
    }
}

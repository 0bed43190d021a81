using Microsoft.AspNetCore.Http;

namespace CodexProxy.Tests.Fakes;

/// <summary><c>GET /codex/models</c>: the model catalogue, recorded separately from the response requests so that
/// <see cref="FakeCodexUpstream.Attempts"/> keeps counting only those.</summary>
internal sealed partial class FakeCodexUpstream
{
    private readonly List<RecordedRequest> _modelsRequests = [];

    /// <summary>Every <c>GET /codex/models</c> so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> ModelsRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _modelsRequests];
            }
        }
    }

    private async Task HandleModelsAsync(HttpContext http)
    {
        var request = await RecordAsync(http.Request);
        lock (_gate)
        {
            _modelsRequests.Add(request);
            request.Number = _modelsRequests.Count;
        }

        ModelsAuthorization = http.Request.Headers.Authorization;
        var scenario = ModelsResponder?.Invoke(request)
            ?? (ModelsFailureStatus is { } status ? new ErrorScenario(status, """{"detail":"Internal Server Error"}""")
                : ModelsCatalogue is { } catalogue
                    ? UpstreamScenario.Plain(StatusCodes.Status200OK, FilterCatalogue(catalogue, http.Request.Query["client_version"]))
                : UpstreamErrors.NotFound());
        try
        {
            await AnswerAsync(http, scenario);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (e.g. its fetch timeout during a hanging script).
        }
        finally
        {
            request.MarkResponseFinished();
        }
    }
}

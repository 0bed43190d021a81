using System.Text.Json;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// Sticky routing within a turn: once the fake has answered a turn (the <c>turn_id</c> of <c>x-codex-turn-metadata</c>)
/// with an <c>x-codex-turn-state</c>, the official CLI echoes exactly that value on every later request of the turn and
/// never sends it in another turn. The fake refuses any request that does otherwise, so a client that forgets the echo,
/// or leaks it into the next turn, fails loudly here (the real backend would route it to another server instead).
/// </summary>
internal sealed partial class FakeCodexUpstream
{
    private readonly Dictionary<string, string> _issuedTurnStates = new(StringComparer.Ordinal);

    private ErrorScenario? TurnStateRejection(RecordedRequest request)
    {
        var echoed = request.Header("x-codex-turn-state");
        lock (_gate)
        {
            if (_issuedTurnStates.Count == 0)
            {
                return null;
            }

            var issued = TurnIdOf(request) is { } turn && _issuedTurnStates.TryGetValue(turn, out var state) ? state : null;
            return echoed == issued
                ? null
                : UpstreamErrors.BadRequest(issued is null
                    ? $"x-codex-turn-state '{echoed}' does not belong to this turn."
                    : $"x-codex-turn-state must echo '{issued}' for the rest of this turn; got '{echoed}'.");
        }
    }

    private void RememberTurnState(RecordedRequest request, string turnState)
    {
        if (TurnIdOf(request) is { } turn)
        {
            lock (_gate)
            {
                _issuedTurnStates[turn] = turnState;
            }
        }
    }

    private static string? TurnIdOf(RecordedRequest request)
    {
        if (request.Header("x-codex-turn-metadata") is not { } metadata)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(metadata);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("turn_id", out var turn)
                ? turn.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

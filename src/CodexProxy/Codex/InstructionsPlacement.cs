using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// Where the client's system prompt goes: as the first <c>developer</c> input message (what the official Codex CLI
/// does: it sends no <c>instructions</c>) or in the <c>instructions</c> field. When the backend answers 400 about
/// instructions ("Instructions are required", "Instructions are not valid") the other form is tried once, and the
/// one that worked is kept for the rest of the process. One instance per process (owned by <see cref="CodexUpstream"/>).
/// </summary>
internal sealed class InstructionsPlacement
{
    private volatile bool _asField;

    /// <summary>True once the backend has asked for the <c>instructions</c> field.</summary>
    public bool AsField => _asField;

    /// <summary>The request in the current form (mapped requests arrive in the developer-message form).</summary>
    public CodexRequest Apply(CodexRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _asField ? ToField(request) : request;
    }

    /// <summary>Switches to the other form when <paramref name="failure"/> is the backend refusing this one.</summary>
    public bool TrySwitch(CodexRequest request, UpstreamFailure failure, bool triedBoth)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(failure);
        if (triedBoth || request.SystemPrompt is null || failure.Status != 400
            || !failure.Message.Contains("instructions", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        _asField = !_asField;
        return true;
    }

    private static CodexRequest ToField(CodexRequest request)
    {
        if (request.SystemPrompt is not { } prompt)
        {
            return request;
        }

        var text = string.Concat(prompt.Content.OfType<CodexInputText>().Select(part => part.Text.Decode()));
        return request with { Instructions = text, Input = [.. request.Input.Where(item => !ReferenceEquals(item, prompt))] };
    }
}

namespace CodexProxy.Codex;

/// <summary>The backend sent no bytes (headers or stream data) for the idle timeout.</summary>
internal sealed class UpstreamTimeoutException(TimeSpan idle)
    : Exception($"The ChatGPT Codex backend sent nothing for {idle.TotalSeconds:0} s.");

namespace CodexProxy.Auth;

/// <summary>How a login talks to the user: the CLI wires these to the browser and the terminal.</summary>
internal sealed record LoginInteraction
{
    /// <summary>Called once with the authorize URL, after the callback listener is up.</summary>
    public required Func<Uri, CancellationToken, Task> OpenAuthorizeUrlAsync { get; init; }

    /// <summary>Reads one pasted redirect URL (the SSH case); null when the input is closed. Optional.</summary>
    public Func<CancellationToken, Task<string?>>? ReadPastedUrlAsync { get; init; }

    /// <summary>Told why a pasted URL was not accepted (the login keeps waiting).</summary>
    public Action<string>? PasteRejected { get; init; }
}

using CodexProxy.Hosting;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// The premise of <see cref="MessageHistoryParser"/>, held against the real Claude Code CLI: over a tool loop it
/// re-sends its earlier messages byte for byte (only the cache marker moves to the new end), so from the third turn on
/// the proxy takes them from the previous request instead of parsing them again, and the loop still ends as it should
/// over the WebSocket transport, with the backend's reconstructed input accepted.
/// </summary>
[Trait("Category", "ClaudeCode")]
public sealed class ClaudeCodeHistoryTests
{
    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task ToolLoop_ReSendsItsHistoryByteForByte_SoRepeatedMessagesAreNotParsedAgain(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct);
        // Each command prints ~12 KB, so the bodies pass the size the parser remembers from on every pin.
        var loop = new MarkerCommandLoop(commands: 4, command: echo => $"seq 100000 102000; {echo}");
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.AcceptWebSockets = true;
        fake.Responder = loop.Respond;
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        var diagnostics = await MarkerCommandLoop.RunAsync(claude, proxy.BaseAddress, AnthropicRequests.Model,
            () => "upstream rejections: " + string.Join("; ", fake.Rejections.Select(r => r.Error.Body)), ct);

        Assert.Empty(fake.Rejections);
        // Turns 3 to 5 each repeat all but the last message of the turn before.
        var parser = proxy.Services.GetRequiredService<MessageHistoryParser>();
        Assert.True(parser.RepeatedMessages >= loop.Commands, $"{parser.RepeatedMessages} messages reused\n" + diagnostics);
    }
}

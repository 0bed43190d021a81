// The SDK marks the Responses client as evaluation-only (OPENAI001); it is what clients use.
#pragma warning disable OPENAI001

using System.Text.Json;
using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using OpenAI.Chat;
using OpenAI.Responses;
using Xunit;

namespace CodexProxy.Tests.Hosting.OpenAI;

/// <summary>
/// Both OpenAI endpoints shape the request by the catalogue as <c>/v1/messages</c> does: against the fake serving the
/// Codex CLI's catalogue (whose validation refuses a lite model in the classic shape, and the reverse), a tool round
/// trip with the official OpenAI .NET SDK goes through for a Responses-lite model (gpt-6.1-sol) and a classic one
/// (gpt-5.5), streaming and not, and the request carries the catalogue's effort, verbosity and prompt placement.
/// </summary>
public sealed class OpenAICatalogueShapeTests
{
    private const string Bash = "Bash";

    [Theory]
    [InlineData("gpt-6.1-sol", true)]
    [InlineData("gpt-6.1-sol", false)]
    [InlineData("gpt-5.5", true)]
    [InlineData("gpt-5.5", false)]
    public async Task ChatToolRoundTrip_IsShapedByTheCatalogue(string model, bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await StartFakeAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = OpenAIClients.Create(proxy).GetChatClient(model);
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool(Bash, "Run a command", BinaryData.FromString(OpenAIClients.BashSchema)) },
        };
        List<ChatMessage> messages = [new SystemChatMessage("Be brief."), new UserChatMessage("Run echo hi")];

        var call = stream ? await StreamedCallAsync(client, messages, options, ct) : Assert.Single((await client.CompleteChatAsync(messages, options, ct)).Value.ToolCalls);
        messages.Add(new AssistantChatMessage([call]));
        messages.Add(new ToolChatMessage(call.Id, "hi"));
        var answer = stream ? await StreamedTextAsync(client, messages, options, ct) : (await client.CompleteChatAsync(messages, options, ct)).Value.Content[0].Text;

        Assert.Equal(Bash, call.FunctionName);
        Assert.Equal("The command printed hi.", answer);
        AssertShapedByTheCatalogue(fake, model);
    }

    [Theory]
    [InlineData("gpt-6.1-sol", true)]
    [InlineData("gpt-6.1-sol", false)]
    [InlineData("gpt-5.5", true)]
    [InlineData("gpt-5.5", false)]
    public async Task ResponsesToolRoundTrip_IsShapedByTheCatalogue(string model, bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await StartFakeAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = OpenAIClients.Create(proxy).GetResponsesClient();
        var tool = ResponseTool.CreateFunctionTool(Bash, BinaryData.FromString(OpenAIClients.BashSchema), strictModeEnabled: false, "Run a command");
        var first = new CreateResponseOptions { Model = model, Instructions = "Be brief.", Tools = { tool }, InputItems = { ResponseItem.CreateUserMessageItem("Run echo hi") } };

        var firstResult = await RespondAsync(client, first, stream, ct);
        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(firstResult.OutputItems));
        var next = new CreateResponseOptions { Model = model, Instructions = "Be brief.", Tools = { tool } };
        foreach (var item in first.InputItems.Concat(firstResult.OutputItems))
        {
            next.InputItems.Add(item);
        }

        next.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, "hi"));
        var second = await RespondAsync(client, next, stream, ct);

        Assert.Equal(Bash, call.FunctionName);
        Assert.Equal("The command printed hi.", second.GetOutputText());
        AssertShapedByTheCatalogue(fake, model);
    }

    private static async Task<FakeCodexUpstream> StartFakeAsync(CancellationToken ct)
    {
        var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.ModelsCatalogue = await File.ReadAllTextAsync(CodexCliCatalogue.FixturePath, ct);
        fake.Responder = request => request.FunctionCallOutputTexts().Contains("hi")
            ? UpstreamScenario.Transcript("text-template.sse").With("TEXT", "The command printed hi.")
            : UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", "echo hi");
        return fake;
    }

    /// <summary>The fake has already refused any request in the wrong shape for its model; this checks the rest.</summary>
    private static void AssertShapedByTheCatalogue(FakeCodexUpstream fake, string model)
    {
        Assert.Empty(fake.Rejections);
        Assert.Equal(2, fake.Requests.Count);
        var lite = model == "gpt-6.1-sol";
        Assert.All(fake.Requests, request =>
        {
            var body = request.Json!.Value;
            Assert.Equal(model, body.GetProperty("model").GetString());
            Assert.Equal(lite ? "true" : null, request.Header(CodexRequestValidator.ResponsesLiteHeader));
            Assert.Equal([Bash], request.ToolNames);
            Assert.Equal(!lite, body.TryGetProperty("tools", out _));
            Assert.False(body.TryGetProperty("instructions", out _));
            var items = request.InputItems;
            var prompt = items[lite ? 1 : 0];
            Assert.Equal("developer", prompt.GetProperty("role").GetString());
            Assert.Equal("Be brief.", prompt.GetProperty("content")[0].GetProperty("text").GetString());
            if (lite)
            {
                var declared = items[0];
                Assert.Equal("additional_tools", declared.GetProperty("type").GetString());
                Assert.Equal("functions", declared.GetProperty("tools")[0].GetProperty("name").GetString());
            }

            // The catalogue's default effort (low for gpt-6.1-sol, medium for gpt-5.5) and verbosity (low).
            var reasoning = body.GetProperty("reasoning");
            Assert.Equal(lite ? "low" : "medium", reasoning.GetProperty("effort").GetString());
            Assert.Equal(lite ? "all_turns" : null, reasoning.TryGetProperty("context", out var context) ? context.GetString() : null);
            Assert.False(reasoning.TryGetProperty("summary", out _));
            Assert.Equal("low", body.GetProperty("text").GetProperty("verbosity").GetString());
        });
    }

    private static async Task<ChatToolCall> StreamedCallAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options, CancellationToken ct)
    {
        var calls = new OpenAISdkChatTests.StreamingToolCallCollector();
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, ct))
        {
            calls.Add(update.ToolCallUpdates);
        }

        return Assert.Single(calls.Build());
    }

    private static async Task<string> StreamedTextAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options, CancellationToken ct)
    {
        var text = new List<string>();
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, ct))
        {
            text.AddRange(update.ContentUpdate.Select(p => p.Text));
        }

        return string.Concat(text);
    }

    private static async Task<ResponseResult> RespondAsync(ResponsesClient client, CreateResponseOptions options, bool stream, CancellationToken ct)
    {
        if (!stream)
        {
            return await client.CreateResponseAsync(options, ct);
        }

        options.StreamingEnabled = true;
        ResponseResult? completed = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(options, ct))
        {
            completed = (update as StreamingResponseCompletedUpdate)?.Response ?? completed;
        }

        return Assert.IsType<ResponseResult>(completed);
    }
}

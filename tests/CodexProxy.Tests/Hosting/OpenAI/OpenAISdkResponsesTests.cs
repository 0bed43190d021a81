// The SDK marks the Responses client as evaluation-only (OPENAI001); it is what clients use.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using OpenAI.Responses;
using Xunit;

namespace CodexProxy.Tests.Hosting.OpenAI;

/// <summary>The official OpenAI .NET SDK's Responses client against <c>/v1/responses</c>.</summary>
public sealed class OpenAISdkResponsesTests
{
    [Fact]
    public async Task NonStreaming_ReturnsTheGatheredResponse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = OpenAIClients.Create(proxy).GetResponsesClient();

        ResponseResult response = await client.CreateResponseAsync(new CreateResponseOptions
        {
            Model = "gpt-5.5",
            Instructions = "Be brief.",
            InputItems = { ResponseItem.CreateUserMessageItem("Say hello") },
            Temperature = 0.5f,
            MaxOutputTokenCount = 200,
            Metadata = { ["ticket"] = "42" },
        }, ct);

        Assert.Equal("Hello from Codex.", response.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal(1000, response.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(15, response.Usage.OutputTokenCount);
        Assert.Empty(fake.Rejections);
        var sent = fake.Requests[0].Json!.Value;
        Assert.Equal("Be brief.", sent.GetProperty("input")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(sent.TryGetProperty("temperature", out _));
        Assert.False(sent.TryGetProperty("metadata", out _));
    }

    [Fact]
    public async Task Streaming_RelaysTheBackendsEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = OpenAIClients.Create(proxy).GetResponsesClient();

        var text = new List<string>();
        ResponseResult? completed = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(new CreateResponseOptions
        {
            Model = "gpt-5.5",
            StreamingEnabled = true,
            InputItems = { ResponseItem.CreateUserMessageItem("Say hello") },
        }, ct))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Add(delta.Delta);
            }
            else if (update is StreamingResponseCompletedUpdate done)
            {
                completed = done.Response;
            }
        }

        Assert.Equal("Hello from Codex.", string.Concat(text));
        Assert.True(text.Count >= 3);
        Assert.Equal("Hello from Codex.", completed?.GetOutputText());
        Assert.Empty(fake.Rejections);
    }

    [Fact]
    public async Task ToolRoundTrip_OutputItemsReplayedWithTheFunctionOutput()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", "echo hi"));
        fake.Responder = request => request.FunctionCallOutputTexts().Contains("hi")
            ? UpstreamScenario.Transcript("text-template.sse").With("TEXT", "The command printed hi.")
            : UpstreamErrors.BadRequest("test expected the tool output 'hi'");
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = OpenAIClients.Create(proxy).GetResponsesClient();
        var tool = ResponseTool.CreateFunctionTool("Bash", BinaryData.FromString(OpenAIClients.BashSchema), strictModeEnabled: false, "Run a command");
        var options = new CreateResponseOptions { Model = "gpt-5.5", Tools = { tool }, InputItems = { ResponseItem.CreateUserMessageItem("Run echo hi") } };

        ResponseResult first = await client.CreateResponseAsync(options, ct);

        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(first.OutputItems));
        Assert.Equal("Bash", call.FunctionName);
        Assert.Equal("echo hi", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("command").GetString());

        // The SDK's way to continue without stored responses: send the output back with the tool's answer.
        var next = new CreateResponseOptions { Model = "gpt-5.5", Tools = { tool } };
        foreach (var item in options.InputItems.Concat(first.OutputItems))
        {
            next.InputItems.Add(item);
        }

        next.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, "hi"));
        ResponseResult second = await client.CreateResponseAsync(next, ct);

        Assert.Equal("The command printed hi.", second.GetOutputText());
        Assert.Empty(fake.Rejections);
        var replay = fake.Requests[1];
        Assert.Equal(call.CallId, Assert.Single(replay.ItemsOfType("function_call")).GetProperty("call_id").GetString());
    }

    [Fact]
    public async Task PreviousResponseId_IsRefusedWithAnOpenAIError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => OpenAIClients.Create(proxy, maxRetries: 0).GetResponsesClient().CreateResponseAsync(
            new CreateResponseOptions { Model = "gpt-5.5", PreviousResponseId = "resp_earlier", InputItems = { ResponseItem.CreateUserMessageItem("And then?") } }, ct));

        Assert.Equal(400, error.Status);
        Assert.Contains("previous_response_id", error.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }
}

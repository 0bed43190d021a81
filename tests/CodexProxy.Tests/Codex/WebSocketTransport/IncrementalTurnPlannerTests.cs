using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>"What does the backend already have": every reason a turn goes out in full, and the one case it does not.</summary>
public sealed class IncrementalTurnPlannerTests
{
    private const string Account = "acct-1";

    private static readonly CodexInputItem System = new CodexMessageItem("developer", [new CodexInputText("You are Claude Code.")]);
    private static readonly CodexInputItem User = new CodexMessageItem("user", [new CodexInputText("List the files")]);
    private static readonly CodexInputItem Call = new CodexFunctionCallItem("Bash", """{"command":"ls"}""", "call_1");
    private static readonly CodexInputItem Result = new CodexFunctionCallOutputItem("call_1", new CodexFunctionOutput { Text = "a.txt" });
    private static readonly CodexInputItem Reasoning = new CodexReasoningItem { Summary = [new CodexSummaryText("Listing.")], EncryptedContent = "gAAAA_enc" };
    private static readonly CodexInputItem Text = new CodexMessageItem("assistant", [new CodexOutputText("Let me look.")]);

    private static readonly CodexOutputItem ReasoningOut = Output("""{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Listing."}],"encrypted_content":"gAAAA_enc"}""");
    private static readonly CodexOutputItem TextOut = Output("""{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"Let me look."}]}""");
    private static readonly CodexOutputItem CallOut = Output("""{"id":"fc_1","type":"function_call","status":"completed","name":"Bash","call_id":"call_1","arguments":"{\"command\":\"ls\"}"}""");

    [Fact]
    public void ToolResultAfterTheResponse_SendsOnlyTheNewItemsAfterThePreviousResponse()
    {
        var chain = ChainAfter(Request(System, User), ReasoningOut, TextOut, CallOut);

        var plan = Plan(chain, Request(System, User, Reasoning, Text, Call, Result));

        Assert.True(plan.Incremental);
        Assert.Equal("resp_1", plan.PreviousResponseId);
        Assert.Equal(5, plan.NewItemsFrom);
    }

    [Fact]
    public void NoChain_NewSocket_IsAFullRequest()
    {
        var plan = IncrementalTurnPlanner.Plan(null, FullRequestReason.NewSocket, Account, ItemDigest.OfSettings(Request(User)), new InputDigests([User]));

        Assert.Equal(FullRequestReason.NewSocket, plan.Reason);
        Assert.Null(plan.PreviousResponseId);
    }

    [Fact]
    public void NoChainAfterAFailedOrIncompleteResponse_KeepsItsReason()
    {
        var plan = IncrementalTurnPlanner.Plan(null, FullRequestReason.PreviousNotCompleted, Account, ItemDigest.OfSettings(Request(User)), new InputDigests([User]));

        Assert.Equal(FullRequestReason.PreviousNotCompleted, plan.Reason);
    }

    [Fact]
    public void OtherAccount_IsAFullRequest()
    {
        var chain = ChainAfter(Request(System, User), TextOut);

        var plan = IncrementalTurnPlanner.Plan(chain, FullRequestReason.None, "acct-2", chain.Settings, new InputDigests([System, User, Text, User]));

        Assert.Equal(FullRequestReason.DifferentAccount, plan.Reason);
    }

    public static TheoryData<string> SettingChanges => ["model", "instructions", "tools", "tool_choice", "reasoning", "verbosity", "lite", "parallel"];

    [Theory]
    [MemberData(nameof(SettingChanges))]
    public void ChangedSetting_IsAFullRequest(string change)
    {
        var first = Request(System, User);
        var chain = ChainAfter(first, TextOut);
        var next = Request(System, User, Text, User);
        next = change switch
        {
            "model" => next with { Model = "gpt-6.1-sol" },
            "instructions" => next with { Instructions = "Be brief." },
            "tools" => next with { Tools = [new CodexFunctionTool("Read", null, JsonDocument.Parse("{}").RootElement)] },
            "tool_choice" => next with { ToolChoice = CodexToolChoice.Required },
            "reasoning" => next with { Reasoning = new CodexReasoning { Effort = "high" } },
            "verbosity" => next with { Text = new CodexTextOptions { Verbosity = "high" } },
            "lite" => next with { ResponsesLite = true },
            _ => next with { ParallelToolCalls = false },
        };

        Assert.Equal(FullRequestReason.DifferentSettings, Plan(chain, next).Reason);
    }

    [Fact]
    public void EditedEarlierItem_IsAFullRequest()
    {
        var chain = ChainAfter(Request(System, User), ReasoningOut, TextOut, CallOut);
        var edited = new CodexMessageItem("user", [new CodexInputText("List the files, please")]);

        Assert.Equal(FullRequestReason.HistoryChanged, Plan(chain, Request(System, edited, Reasoning, Text, Call, Result)).Reason);
    }

    [Fact]
    public void AnswerReplayedDifferently_IsAFullRequest()
    {
        // The client dropped the reasoning (e.g. Claude Code without thinking replay): the backend's history has it.
        var chain = ChainAfter(Request(System, User), ReasoningOut, TextOut, CallOut);

        Assert.Equal(FullRequestReason.HistoryChanged, Plan(chain, Request(System, User, Text, Call, Result)).Reason);
    }

    [Fact]
    public void CompactedHistory_IsAFullRequest()
    {
        var chain = ChainAfter(Request(System, User, Text, User), CallOut);
        var summary = new CodexMessageItem("user", [new CodexInputText("Summary of the conversation so far.")]);

        Assert.Equal(FullRequestReason.HistoryChanged, Plan(chain, Request(System, summary, User)).Reason);
    }

    [Fact]
    public void RewoundHistory_IsAFullRequest()
    {
        var chain = ChainAfter(Request(System, User), ReasoningOut, TextOut, CallOut);

        Assert.Equal(FullRequestReason.NoNewItems, Plan(chain, Request(System, User)).Reason);
    }

    [Fact]
    public void SameRequestAgain_IsAFullRequest()
    {
        var chain = ChainAfter(Request(System, User), TextOut);

        Assert.Equal(FullRequestReason.NoNewItems, Plan(chain, Request(System, User, Text)).Reason);
    }

    [Theory]
    [InlineData("""{"id":"msg_2","type":"message","role":"assistant","content":[{"type":"output_text","text":"One. "},{"type":"output_text","text":"Two."}]}""")]
    [InlineData("""{"id":"msg_2","type":"message","role":"assistant","content":[{"type":"refusal","refusal":"No."}]}""")]
    [InlineData("""{"id":"rs_2","type":"reasoning","summary":[{"type":"summary_text","text":"A"},{"type":"summary_text","text":"B"}],"encrypted_content":"x"}""")]
    [InlineData("""{"id":"rs_2","type":"reasoning","summary":[]}""")]
    [InlineData("""{"id":"ws_2","type":"web_search_call","status":"completed","action":{"type":"search","query":"x"}}""")]
    public void OutputWithoutAnExactReplay_IsNeverContinued(string outputJson)
    {
        var output = Output(outputJson);
        Assert.Equal(ItemDigest.Unmatchable, OutputItemRendering.Digest(output));
        var chain = ChainAfter(Request(System, User), output);

        // Whatever the client replays in its place, the backend's copy differs.
        Assert.Equal(FullRequestReason.HistoryChanged, Plan(chain, Request(System, User, Text, User)).Reason);
    }

    [Fact]
    public void ReplayedOutput_HasTheDigestOfTheProxysOwnItem()
    {
        ItemDigest[] replayed = [OutputItemRendering.Digest(ReasoningOut), OutputItemRendering.Digest(TextOut), OutputItemRendering.Digest(CallOut)];
        Assert.Equal(ItemDigest.OfValues([Reasoning, Text, Call], 0, 3), replayed);
    }

    [Fact]
    public void AnswerReplayedInTheClientsOwnSpelling_StillContinuesTheResponse()
    {
        // The backend's text as the proxy renders it escapes the emoji (\uD83D\uDE00); Claude Code sends it back as
        // UTF-8 and spells the control character \u001b. Same values, so the backend has them.
        var answerOut = Output("""{"id":"msg_2","type":"message","role":"assistant","content":[{"type":"output_text","text":"Done 😀 it's <ok>\u001b"}]}""");
        var replayed = new CodexMessageItem("assistant", [new CodexOutputText(ReadText("\"Done \ud83d\ude00 it's <ok>\\u001b\""))]);
        var result = new CodexFunctionCallOutputItem("call_1", new CodexFunctionOutput { Text = ReadText("\"caf\\u00e9\\n\"") });
        var chain = ChainAfter(Request(System, User), answerOut);

        var plan = Plan(chain, Request(System, User, replayed, User));
        var edited = Plan(chain, Request(System, User, new CodexMessageItem("assistant", [new CodexOutputText(ReadText("\"Done \ud83d\ude00 it's <ok>\""))]), User));

        Assert.True(plan.Incremental);
        Assert.Equal(3, plan.NewItemsFrom);
        Assert.Equal(FullRequestReason.HistoryChanged, edited.Reason);
        Assert.Equal(ItemDigest.OfValues([result], 0, 1), ItemDigest.OfValues([new CodexFunctionCallOutputItem("call_1", new CodexFunctionOutput { Text = "café\n" })], 0, 1));
    }

    [Fact]
    public void HistoryInTheClientsOwnSpelling_IsComparedByItsBytes_AndContinues()
    {
        // A client that escapes every non-ASCII character re-sends the same bytes each turn: its history is compared
        // as sent, so the escapes need no decoding; the same text spelled another way is another history.
        var escaped = new CodexMessageItem("user", [new CodexInputText(ReadText("\"caf\\u00e9 \\u2192 ok\""))]);
        var spelledOtherwise = new CodexMessageItem("user", [new CodexInputText(ReadText("\"café → ok\""))]);
        var chain = ChainAfter(Request(System, escaped), TextOut);

        var plan = Plan(chain, Request(System, escaped, Text, User));

        Assert.True(plan.Incremental);
        Assert.Equal(3, plan.NewItemsFrom);
        Assert.NotEqual(ItemDigest.OfSentItems([escaped])[0], ItemDigest.OfSentItems([spelledOtherwise])[0]);
        Assert.Equal(ItemDigest.OfValues([escaped], 0, 1)[0], ItemDigest.OfValues([spelledOtherwise], 0, 1)[0]);
        Assert.Equal(FullRequestReason.HistoryChanged, Plan(chain, Request(System, spelledOtherwise, Text, User)).Reason);
    }

    private static TurnPlan Plan(ConversationChain chain, CodexRequest request) =>
        IncrementalTurnPlanner.Plan(chain, FullRequestReason.None, Account, ItemDigest.OfSettings(request), new InputDigests(request.Input));

    private static ConversationChain ChainAfter(CodexRequest request, params CodexOutputItem[] outputs) =>
        new("resp_1", Account, ItemDigest.OfSettings(request), [.. ItemDigest.OfSentItems(request.Input), .. outputs.Select(OutputItemRendering.Digest)], request.Input.Count);

    private static CodexRequest Request(params CodexInputItem[] input) => new()
    {
        Model = "gpt-5.5",
        Input = input,
        Tools = [new CodexFunctionTool("Bash", null, JsonDocument.Parse("""{"type":"object"}""").RootElement)],
        Reasoning = new CodexReasoning { Effort = "medium" },
        PromptCacheKey = "thread-1",
        Text = new CodexTextOptions { Verbosity = "low" },
    };

    private static CodexOutputItem Output(string json) => JsonSerializer.Deserialize(json, CodexJsonContext.Default.CodexOutputItem)!;

    private static RawJsonString ReadText(string token)
    {
        var reader = new Utf8JsonReader(global::System.Text.Encoding.UTF8.GetBytes(token));
        reader.Read();
        return RawJsonString.Read(ref reader);
    }
}

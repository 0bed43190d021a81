using System.Text;
using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;
using Xunit;

namespace CodexProxy.Tests.Codex.Wire;

/// <summary>A frame written from rendered items is byte for byte the frame serialised from the items.</summary>
public sealed class RenderedInputItemsTests
{
    private static readonly CodexInputItem[] Items =
    [
        new CodexMessageItem("developer", [new CodexInputText("You are Claude Code.")]),
        new CodexMessageItem("user", [new CodexInputText(ClientText("\"caf\\u00e9 <b> \\u2192 ok\""))]),
        new CodexFunctionCallItem("Bash", """{"command":"ls"}""", "call_1"),
        new CodexFunctionCallOutputItem("call_1", new CodexFunctionOutput { Text = "a.txt\nb.txt" }),
        new CodexReasoningItem { Summary = [new CodexSummaryText("Listing.")], EncryptedContent = "gAAAA_enc" },
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    public void RequestWithRenderedItems_IsTheSerialisedRequest(int skipped)
    {
        using var rendered = RenderedInputItems.Render(Items, sizeHint: 0);

        var fromBytes = Serialize(Request(skipped == 0 ? rendered : rendered.Skip(skipped)));

        Assert.Equal(Serialize(Request([.. Items.Skip(skipped)])), fromBytes);
    }

    [Fact]
    public void ItemBytes_AreEachItemSerialisedAlone()
    {
        using var rendered = RenderedInputItems.Render(Items, sizeHint: 0);

        for (var i = 0; i < Items.Length; i++)
        {
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(Items[i], CodexJsonContext.Wire.CodexInputItem), rendered.BytesOf(i).ToArray());
        }

        Assert.Contains("\"caf\\u00e9 <b> \\u2192 ok\"", Encoding.UTF8.GetString(rendered.BytesOf(1)), StringComparison.Ordinal); // the client's spelling
        Assert.Equal(ItemDigest.OfSentItems([.. Items]), ItemDigest.OfSentItems(rendered));
        Assert.Equal(Items.Skip(1), rendered.Skip(1));
    }

    [Fact]
    public void AfterDispose_ItemsAreSerialisedAgain()
    {
        var rendered = RenderedInputItems.Render(Items, sizeHint: 0);
        var skipped = rendered.Skip(3);

        rendered.Dispose();

        Assert.False(skipped.IsRendered);
        Assert.Throws<ObjectDisposedException>(() => rendered.BytesOf(0));
        Assert.Equal(Serialize(Request(Items)), Serialize(Request(rendered)));
        Assert.Equal(Serialize(Request([.. Items.Skip(3)])), Serialize(Request(skipped)));
    }

    [Fact]
    public void NormalizedContext_IgnoresTheWireBytes()
    {
        using var rendered = RenderedInputItems.Render(Items, sizeHint: 0);

        var normalized = JsonSerializer.Serialize(Request(rendered), CodexJsonContext.WireNormalized.CodexRequest);

        Assert.Equal(JsonSerializer.Serialize(Request(Items), CodexJsonContext.WireNormalized.CodexRequest), normalized);
        Assert.Contains("café <b> → ok", normalized, StringComparison.Ordinal);
    }

    private static CodexRequest Request(IReadOnlyList<CodexInputItem> input) => new() { Model = "gpt-5.5", Input = input };

    private static string Serialize(CodexRequest request) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(request, CodexJsonContext.Wire.CodexRequest));

    private static RawJsonString ClientText(string token)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(token));
        reader.Read();
        return RawJsonString.Read(ref reader);
    }
}

using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using Microsoft.ML.Tokenizers;

namespace CodexProxy.Translation.Tokens;

/// <summary>
/// Local o200k count of a request as translated for Codex: instructions, every input item and the tool definitions.
/// Small per-item overheads stand in for the chat format's framing tokens; images follow
/// <see cref="ImageTokenEstimator"/>. The remaining error is corrected per session by <see cref="TokenCalibration"/>.
/// </summary>
internal static class TokenCounter
{
    /// <summary>Role and separator tokens around each message or item.</summary>
    public const int ItemOverhead = 4;

    /// <summary>Name/description framing around each tool definition.</summary>
    public const int ToolOverhead = 8;

    /// <summary>PDFs are read as text plus page images; without parsing them, a page costs roughly this much.</summary>
    public const int TokensPerPdfPage = 1_000;

    /// <summary>Encrypted reasoning is opaque; its size in characters per reasoning token (an estimate).</summary>
    public const int EncryptedCharsPerToken = 6;

    // Loading the o200k vocabulary takes about half a second: do it once, and only when first needed.
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static int CountText(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : Tokenizer.Value.CountTokens(text, considerPreTokenization: true, considerNormalization: true);

    public static int Count(CodexRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = CountText(request.Instructions) + ItemOverhead;
        foreach (var item in request.Input)
        {
            total += ItemOverhead + CountItem(item);
        }

        foreach (var tool in request.Tools ?? [])
        {
            total += ToolOverhead + CountTool(tool);
        }

        return total;
    }

    private static int CountItem(CodexInputItem item) => item switch
    {
        CodexMessageItem message => CountParts(message.Content),
        CodexFunctionCallItem call => CountText(call.Name) + CountText(call.Arguments),
        CodexFunctionCallOutputItem output => output.Output.Parts is { } parts ? CountParts(parts) : CountText(output.Output.Text),
        CodexAdditionalToolsItem declared => declared.Tools.Sum(tool => ToolOverhead + CountTool(tool)),
        CodexReasoningItem reasoning =>
            reasoning.Summary.Sum(s => CountText(s.Text)) + (reasoning.EncryptedContent.Length / EncryptedCharsPerToken),
        _ => 0,
    };

    private static int CountParts(IReadOnlyList<CodexContentPart> parts)
    {
        var total = 0;
        foreach (var part in parts)
        {
            total += part switch
            {
                CodexInputText text => CountText(text.Text),
                CodexOutputText text => CountText(text.Text),
                CodexInputImage image => ImageTokenEstimator.ForImageUrl(image.ImageUrl, image.Detail),
                CodexInputFile file => CountFile(file),
                _ => 0,
            };
        }

        return total;
    }

    private static int CountTool(CodexTool tool) => tool switch
    {
        CodexFunctionTool function => CountText(function.Name) + CountText(function.Description)
            + (function.Parameters.ValueKind == JsonValueKind.Undefined ? 0 : CountText(function.Parameters.GetRawText())),
        CodexNamespaceTool group => CountText(group.Name) + CountText(group.Description) + group.Tools.Sum(CountTool),
        _ => 0,
    };

    private static int CountFile(CodexInputFile file)
    {
        var comma = file.FileData.IndexOf(',', StringComparison.Ordinal);
        var base64 = comma < 0 ? file.FileData : file.FileData[(comma + 1)..];
        var buffer = new byte[(base64.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            return TokensPerPdfPage;
        }

        return CountText(file.Filename) + (Math.Max(1, PdfPages.Count(buffer.AsSpan(0, written))) * TokensPerPdfPage);
    }
}

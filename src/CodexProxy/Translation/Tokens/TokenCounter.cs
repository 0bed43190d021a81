using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;
using Microsoft.ML.Tokenizers;

namespace CodexProxy.Translation.Tokens;

/// <summary>
/// Local o200k count of a request as translated for Codex: instructions, every input item and the tool definitions.
/// Small per-item overheads stand in for the chat format's framing tokens; images follow
/// <see cref="ImageTokenEstimator"/>. The remaining error is corrected per session by <see cref="TokenCalibration"/>.
/// Counting is linear in the input and stops when the caller's token is cancelled (between pre-tokenized pieces).
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

    /// <summary>
    /// The longest piece handed to the byte-pair merge, in UTF-16 units. The merge is quadratic in a piece's length and
    /// the pre-tokenizer keeps a run of letters (or CJK, or punctuation) as one piece, so a 256 KiB run took 25 s
    /// uncapped; capped, the work is linear, proportional to this length. o200k tokens are far shorter, so a cut costs
    /// about one token: under 1 % on random letters, 0.1 % on CJK; more on a long periodic run (an over-count, the safe
    /// side for deciding to compact). Ordinary text has no piece this long and counts exactly as before.
    /// </summary>
    public const int MaxPieceLength = 64;

    // Loading the o200k vocabulary takes about half a second: do it once, and only when first needed.
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static int CountText(string? text, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var tokenizer = Tokenizer.Value;
        if (tokenizer.PreTokenizer is not { } preTokenizer)
        {
            return tokenizer.CountTokens(text);
        }

        var total = 0;
        foreach (var (offset, length) in preTokenizer.PreTokenize(text))
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var start = 0; start < length;)
            {
                var take = Math.Min(MaxPieceLength, length - start);
                // Never cut a surrogate pair in two: each half would count as its own unknown bytes.
                if (take < length - start && char.IsHighSurrogate(text[offset + start + take - 1]))
                {
                    take--;
                }

                total += tokenizer.CountTokens(text.AsSpan(offset + start, take), considerPreTokenization: false, considerNormalization: true);
                start += take;
            }
        }

        return total;
    }

    public static int Count(CodexRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = KeptTextCounts.Count(request.Instructions, text => CountText(text, cancellationToken)) + ItemOverhead;
        foreach (var item in request.Input)
        {
            total += ItemOverhead + CountItem(item, cancellationToken);
        }

        foreach (var tool in request.Tools ?? [])
        {
            total += ToolOverhead + CountTool(tool, cancellationToken);
        }

        return total;
    }

    private static int CountItem(CodexInputItem item, CancellationToken cancellationToken) => item switch
    {
        CodexMessageItem message => CountParts(message.Content, cancellationToken),
        CodexFunctionCallItem call => CountText(call.Name, cancellationToken) + CountKept(call.Arguments, cancellationToken),
        CodexFunctionCallOutputItem output => output.Output.Parts is { } parts
            ? CountParts(parts, cancellationToken)
            : KeptTextCounts.Count(output.Output.Text, text => CountText(text, cancellationToken)),
        CodexAdditionalToolsItem declared => declared.Tools.Sum(tool => ToolOverhead + CountTool(tool, cancellationToken)),
        CodexReasoningItem reasoning =>
            reasoning.Summary.Sum(s => CountKept(s.Text, cancellationToken)) + (reasoning.EncryptedContent.Length / EncryptedCharsPerToken),
        _ => 0,
    };

    private static int CountParts(IReadOnlyList<CodexContentPart> parts, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var part in parts)
        {
            total += part switch
            {
                CodexInputText text => KeptTextCounts.Count(text.Text, decoded => CountText(decoded, cancellationToken)),
                CodexOutputText text => KeptTextCounts.Count(text.Text, decoded => CountText(decoded, cancellationToken)),
                CodexInputImage image => ImageTokenEstimator.ForImageUrl(image.ImageUrl.Decode(), image.Detail),
                CodexInputFile file => CountFile(file, cancellationToken),
                _ => 0,
            };
        }

        return total;
    }

    private static int CountTool(CodexTool tool, CancellationToken cancellationToken) => tool switch
    {
        CodexFunctionTool function => CountText(function.Name, cancellationToken) + CountKept(function.Description, cancellationToken)
            + (function.Parameters.ValueKind == JsonValueKind.Undefined ? 0 : CountKept(function.Parameters.GetRawText(), cancellationToken)),
        CodexNamespaceTool group => CountText(group.Name, cancellationToken) + CountKept(group.Description, cancellationToken)
            + group.Tools.Sum(tool => CountTool(tool, cancellationToken)),
        _ => 0,
    };

    /// <summary>A text that comes back every turn (a tool's description or schema), counted once.</summary>
    private static int CountKept(string? text, CancellationToken cancellationToken) =>
        KeptTextCounts.Count(text, kept => CountText(kept, cancellationToken));

    private static int CountKept(RawJsonString? text, CancellationToken cancellationToken) =>
        KeptTextCounts.Count(text, kept => CountText(kept, cancellationToken));

    private static int CountFile(CodexInputFile file, CancellationToken cancellationToken)
    {
        var fileData = file.FileData.Decode();
        var comma = fileData.IndexOf(',', StringComparison.Ordinal);
        var base64 = comma < 0 ? fileData : fileData[(comma + 1)..];
        var buffer = new byte[(base64.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            return TokensPerPdfPage;
        }

        return CountText(file.Filename, cancellationToken) + (Math.Max(1, PdfPages.Count(buffer.AsSpan(0, written))) * TokensPerPdfPage);
    }
}

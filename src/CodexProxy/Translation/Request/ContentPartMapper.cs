using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Translation.Request;

/// <summary>Anthropic image and document blocks → Codex content parts (<c>input_image</c>, <c>input_file</c>, <c>input_text</c>).</summary>
internal static class ContentPartMapper
{
    public const string DefaultPdfName = "document.pdf";

    private const string PdfMediaType = "application/pdf";

    public static CodexInputImage ToImage(ContentBlock block, string path)
    {
        var source = block.Source ?? throw new InvalidRequestException($"{path}.source: is required");
        return source.Type switch
        {
            "base64" => new CodexInputImage(DataUrl(source, path)),
            "url" => new CodexInputImage(Require(source.Url, $"{path}.source.url")),
            _ => throw new InvalidRequestException($"{path}.source.type: unsupported image source '{source.Type}'"),
        };
    }

    public static IEnumerable<CodexContentPart> ToDocumentParts(ContentBlock block, string path)
    {
        var source = block.Source ?? throw new InvalidRequestException($"{path}.source: is required");
        switch (source.Type)
        {
            case "base64" when source.MediaType == PdfMediaType:
                return [new CodexInputFile(string.IsNullOrEmpty(block.Title) ? DefaultPdfName : block.Title, DataUrl(source, path))];
            case "base64":
                throw new InvalidRequestException(
                    $"{path}.source.media_type: unsupported document type '{source.MediaType}' (only {PdfMediaType})");
            case "text":
                return RawJsonString.IsNullOrEmpty(source.Data) ? [] : [new CodexInputText(source.Data)];
            case "content":
                return ToParts(source.Content ?? [], $"{path}.source.content", "document", allowDocuments: false);
            default:
                throw new InvalidRequestException($"{path}.source.type: unsupported document source '{source.Type}'");
        }
    }

    /// <summary>
    /// The blocks nested in a <c>tool_result</c> or a <c>content</c> document → parts: empty text is dropped,
    /// images are mapped, documents only where <paramref name="allowDocuments"/> (a document cannot nest another).
    /// A run of <c>tool_reference</c> blocks (a ToolSearch result) becomes one text part naming the loaded tools.
    /// </summary>
    public static List<CodexContentPart> ToParts(IReadOnlyList<ContentBlock> blocks, string path, string container, bool allowDocuments)
    {
        var parts = new List<CodexContentPart>(blocks.Count);
        var references = new List<string>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var inner = blocks[i];
            if (inner.Type == ToolSearch.ToolReferenceType)
            {
                references.Add(ToolSearch.ReferencedName(inner, $"{path}[{i}]"));
                continue;
            }

            FlushReferences(references, parts);
            switch (inner.Type)
            {
                case "text" when RawJsonString.IsNullOrEmpty(inner.Text):
                    break;
                case "text":
                    parts.Add(new CodexInputText(inner.Text));
                    break;
                case "image":
                    parts.Add(ToImage(inner, $"{path}[{i}]"));
                    break;
                case "document" when allowDocuments:
                    parts.AddRange(ToDocumentParts(inner, $"{path}[{i}]"));
                    break;
                default:
                    throw new InvalidRequestException($"{path}[{i}].type: unsupported block type '{inner.Type}' in a {container}");
            }
        }

        FlushReferences(references, parts);
        return parts;
    }

    private static void FlushReferences(List<string> references, List<CodexContentPart> parts)
    {
        if (references.Count > 0)
        {
            parts.Add(new CodexInputText(ToolSearch.LoadedToolsText(references)));
            references.Clear();
        }
    }

    /// <summary>The client's base64 bytes behind a <c>data:</c> prefix, never decoded to a string.</summary>
    private static RawJsonString DataUrl(BlockSource source, string path)
    {
        var mediaType = Require(source.MediaType, $"{path}.source.media_type");
        if (RawJsonString.IsNullOrEmpty(source.Data))
        {
            throw new InvalidRequestException($"{path}.source.data: is required");
        }

        return RawJsonString.Concat([$"data:{mediaType};base64,", source.Data]);
    }

    private static string Require(string? value, string path) =>
        string.IsNullOrEmpty(value) ? throw new InvalidRequestException($"{path}: is required") : value;
}

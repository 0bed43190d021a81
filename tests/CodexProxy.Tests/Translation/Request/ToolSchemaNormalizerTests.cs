using System.Buffers;
using System.Text;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using Xunit;

namespace CodexProxy.Tests.Translation.Request;

public sealed class ToolSchemaNormalizerTests
{
    private static string Normalize(string? schemaJson)
    {
        var element = schemaJson is null ? default : JsonDocument.Parse(schemaJson).RootElement;
        return ToolSchemaNormalizer.Normalize(element, "tools[0].input_schema").GetRawText();
    }

    [Fact]
    public void Normalized_IsWhatTheWireWriterWrites_SoAToolCarriesItsBytesAsTheyAre()
    {
        var schema = JsonDocument.Parse("""
            { "type": "object",
              "properties": { "q": { "type": "string", "description": "caf\u00e9 <b> it's\nnext \u2028 \"x\"", "default": 1.50 } } }
            """).RootElement;

        var normalized = ToolSchemaNormalizer.Normalize(schema, "tools[0].input_schema");

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CodexJsonContext.WriterOptionsOf(CodexJsonContext.Wire)))
        {
            normalized.WriteTo(writer);
        }

        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), normalized.GetRawText());
        var tool = JsonSerializer.Serialize<CodexTool>(new CodexFunctionTool("Find", null, normalized), CodexJsonContext.Wire.CodexTool);
        Assert.Contains("\"parameters\":" + normalized.GetRawText(), tool, StringComparison.Ordinal);
    }

    [Fact]
    public void ClaudeCodeSchema_KeepsEverythingButRootSchemaKeyword()
    {
        var schema = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "properties":{
               "description":{"description":"What this does","type":"string"},
               "status":{"anyOf":[{"type":"string","enum":["pending","done"]},{"type":"string","const":"deleted"}]},
               "timeout":{"type":"number","default":30000,"minimum":0,"maximum":600000},
               "metadata":{"type":"object","propertyNames":{"type":"string"},"additionalProperties":{}},
               "args":{"description":"any value"},
               "nested":{"type":"object","properties":{"$schema":{"type":"string"},"type":{"type":"string"}},"additionalProperties":false}},
             "required":["description"],"additionalProperties":false}
            """;

        Assert.Equal(
            """{"type":"object","properties":{"description":{"description":"What this does","type":"string"},"status":{"anyOf":[{"type":"string","enum":["pending","done"]},{"type":"string","const":"deleted"}]},"timeout":{"type":"number","default":30000,"minimum":0,"maximum":600000},"metadata":{"type":"object","propertyNames":{"type":"string"},"additionalProperties":{}},"args":{"description":"any value"},"nested":{"type":"object","properties":{"$schema":{"type":"string"},"type":{"type":"string"}},"additionalProperties":false}},"required":["description"],"additionalProperties":false}""",
            Normalize(schema));
    }

    [Theory]
    [InlineData(null, """{"type":"object","properties":{}}""")]
    [InlineData("null", """{"type":"object","properties":{}}""")]
    [InlineData("{}", """{"type":"object","properties":{}}""")]
    [InlineData("""{"properties":{"a":{"type":"string"}}}""", """{"type":"object","properties":{"a":{"type":"string"}}}""")]
    [InlineData("""{"type":"object"}""", """{"type":"object","properties":{}}""")]
    [InlineData("""{"type":"object","required":[],"properties":null}""", """{"type":"object","required":[],"properties":{}}""")]
    [InlineData("""{"description":"root","type":"array","properties":{}}""", """{"type":"object","description":"root","properties":{}}""")]
    public void MissingOrWrongRootParts_AreFilledIn(string? input, string expected)
    {
        Assert.Equal(expected, Normalize(input));
    }

    [Fact]
    public void NonObjectSchema_IsRejectedWithPath()
    {
        var exception = Assert.Throws<InvalidRequestException>(() => Normalize("\"string\""));

        Assert.Equal("tools[0].input_schema: must be a JSON object", exception.Message);
    }

    [Fact]
    public void RepeatedSchema_IsNormalisedOnce_AndSimilarSchemasStayDistinct()
    {
        const string Schema = """{"$schema":"x","properties":{"a":{"type":"string"}}}""";
        var first = ToolSchemaNormalizer.Normalize(JsonDocument.Parse(Schema).RootElement, "tools[0].input_schema");
        var again = ToolSchemaNormalizer.Normalize(JsonDocument.Parse(Schema).RootElement, "tools[1].input_schema");
        var other = Normalize("""{"$schema":"x","properties":{"b":{"type":"string"}}}""");

        Assert.Equal("""{"type":"object","properties":{"a":{"type":"string"}}}""", first.GetRawText());
        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal("""{"type":"object","properties":{"b":{"type":"string"}}}""", other);
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Hosting;
using Xunit;

namespace CodexProxy.Tests.Hosting;

public sealed class TopLevelMembersTests
{
    private static readonly byte[][] Names = ["system"u8.ToArray(), "tools"u8.ToArray()];

    [Fact]
    public void RandomObjects_CompactAndIndented_LocateWhatTheReaderLocates()
    {
        var random = new Random(1206);
        for (var i = 0; i < 300; i++)
        {
            var root = new JsonObject();
            foreach (var name in new[] { "model", "system", "x\"}{", "tools", "messages", "n" }.OrderBy(_ => random.Next()).Take(random.Next(1, 7)))
            {
                root[name] = RandomValue(random, depth: 0);
            }

            foreach (var indented in new[] { false, true })
            {
                var body = Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = indented }));
                Assert.Equal(ReaderRanges(body), TopLevelMembers.ValuesOf(body, Names));
            }
        }
    }

    [Theory]
    [InlineData("""{"system":"a","tools":[],"system":"b"}""", null, "22..24")]
    [InlineData("""{"\u0073ystem":"a"}""", null, null)]
    [InlineData("""{}""", null, null)]
    [InlineData(""" { "tools" : [ "]" , { "a" : "\\\"[" } ] } """, null, "13..40")]
    public void Names_SpelledAsIsAndOnce_AreFound(string json, string? system, string? tools)
    {
        var found = TopLevelMembers.ValuesOf(Encoding.UTF8.GetBytes(json), Names)!;

        Assert.Equal(system, found[0]?.ToString());
        Assert.Equal(tools, found[1]?.ToString());
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("""{"system":"a" "tools":1}""")]
    [InlineData("""{"system":["a"}""")]
    [InlineData("""{"system":"a""")]
    [InlineData("""{"system":"a\"}""")]
    [InlineData("""{"system":}""")]
    [InlineData("")]
    public void BodiesTheScanCannotFollow_GiveNull(string json)
    {
        Assert.Null(TopLevelMembers.ValuesOf(Encoding.UTF8.GetBytes(json), Names));
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        string[] texts = ["plain", "quote \" and \\ and {[", "line\nbreak", "é → 😀", "}]", "", "ends with \\", "\\\"", "\\\\"];
        return random.Next(depth > 2 ? 4 : 6) switch
        {
            0 => JsonValue.Create(texts[random.Next(texts.Length)]),
            1 => JsonValue.Create(random.Next(-1000, 1000) / 10.0),
            2 => JsonValue.Create(random.Next(2) == 0),
            3 => null,
            4 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))]),
            _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create($"k{i}{texts[random.Next(texts.Length)]}", RandomValue(random, depth + 1)))),
        };
    }

    /// <summary>The same ranges found with the validating reader.</summary>
    private static Range?[] ReaderRanges(byte[] body)
    {
        var found = new Range?[Names.Length];
        var reader = new Utf8JsonReader(body);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var spelled = reader.ValueSpan.ToArray();
            var name = Array.FindIndex(Names, n => spelled.AsSpan().SequenceEqual(n));
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (name >= 0)
            {
                found[name] = start..(int)reader.BytesConsumed;
            }
        }

        return found;
    }
}

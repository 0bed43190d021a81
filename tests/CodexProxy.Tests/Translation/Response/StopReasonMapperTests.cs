using CodexProxy.Translation;
using CodexProxy.Translation.Response;
using Xunit;

namespace CodexProxy.Tests.Translation.Response;

public sealed class StopReasonMapperTests
{
    [Theory]
    [InlineData(false, null, "end_turn")]
    [InlineData(true, null, "tool_use")]
    [InlineData(false, "max_output_tokens", "max_tokens")]
    [InlineData(true, "max_output_tokens", "max_tokens")]
    [InlineData(false, "content_filter", "refusal")]
    [InlineData(true, "content_filter", "refusal")]
    [InlineData(false, "unexpected_reason", "end_turn")]
    [InlineData(true, "unexpected_reason", "tool_use")]
    public void Outcome_MapsToAnthropicStopReason(bool anyToolUse, string? incompleteReason, string expected)
    {
        Assert.Equal(expected, StopReasonMapper.ToAnthropic(anyToolUse, incompleteReason));
    }
}

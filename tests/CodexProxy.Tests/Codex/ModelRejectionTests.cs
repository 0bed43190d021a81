using CodexProxy.Codex;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed class ModelRejectionTests
{
    [Theory]
    [InlineData(400, """{"detail":"The 'gpt-9' model is not supported when using Codex with a ChatGPT account."}""")]
    [InlineData(400, """{"error":{"type":"invalid_request_error","message":"The 'gpt-9' model is not supported when using Codex with a ChatGPT account."}}""")]
    [InlineData(404, "The 'gpt-9' model is not supported when using Codex with a ChatGPT account.")]
    public void BackendRefusal_KeepsItsWords_AndListsTheUsableModels(int status, string body)
    {
        var message = ModelRejection.Describe(status, body, "gpt-9", Live("gpt-6.1-sol", "gpt-6-luna"));

        Assert.Equal(
            "model: The 'gpt-9' model is not supported when using Codex with a ChatGPT account. Models this account can use: gpt-6.1-sol, gpt-6-luna.",
            message);
    }

    [Fact]
    public void WithTheBuiltInCatalogue_TheListSaysWhereItComesFrom()
    {
        var message = ModelRejection.Describe(404, """{"detail":"Model gpt-9 not found"}""", "gpt-9", BuiltInCatalog.Snapshot);

        Assert.StartsWith("model: Model gpt-9 not found. Models this account can use (from the built-in catalogue; the live one could not be fetched): gpt-6.1-sol, gpt-6-astra,", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, """{"detail":"Your input exceeds the context window of this model."}""")]
    [InlineData(400, """{"detail":"Instructions are not valid"}""")]
    [InlineData(404, """{"detail":"Not Found"}""")]
    [InlineData(500, """{"detail":"The 'gpt-9' model is not supported"}""")]
    [InlineData(400, "<html>model not supported</html>")]
    [InlineData(400, "")]
    public void OtherAnswers_AreNotAboutTheModel(int status, string body)
    {
        Assert.Null(ModelRejection.Describe(status, body, "gpt-9", Live("gpt-6.1-sol")));
    }

    private static CatalogSnapshot Live(params string[] slugs) =>
        new([.. slugs.Select((slug, i) => new CatalogModel { Slug = slug, DisplayName = slug, Priority = i + 1 })], Live: true, PlanType: null);
}

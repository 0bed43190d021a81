using System.Text;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using CodexProxy.Tests.Hosting;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>
/// The model catalogue compiled into the pinned Codex CLI binary (its bundled <c>models.json</c>, the CLI's fallback
/// when <c>/codex/models</c> fails), kept as the fixture <c>Codex/Catalogue/codex-models-0.169.0.json</c> in the shape
/// <c>GET /backend-api/codex/models</c> returns: <c>{"models":[…]}</c>.
/// </summary>
internal static class CodexCliCatalogue
{
    public static string FixturePath => Path.Combine(
        RepositoryPaths.Root, "tests", "CodexProxy.Tests", "Codex", "Catalogue",
        $"codex-models-{CodexCliInstallation.PinnedVersion}.json");

    /// <summary>The catalogue's exact text, found in the binary as the JSON object that starts with <c>"models": [</c>.</summary>
    public static string ExtractFromBinary(string binaryPath)
    {
        var bytes = File.ReadAllBytes(binaryPath);
        var marker = "{\n  \"models\": ["u8;
        var start = bytes.AsSpan().IndexOf(marker);
        if (start < 0)
        {
            throw new InvalidOperationException($"No bundled model catalogue ({{\"models\": [ …) found in {binaryPath}.");
        }

        var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { AllowTrailingCommas = false });
        reader.Read();
        reader.Skip();
        return Encoding.UTF8.GetString(bytes, start, checked((int)reader.BytesConsumed));
    }
}

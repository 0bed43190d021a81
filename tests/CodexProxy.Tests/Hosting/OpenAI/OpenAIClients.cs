using System.ClientModel;
using System.ClientModel.Primitives;
using CodexProxy.Tests.Fakes;
using OpenAI;

namespace CodexProxy.Tests.Hosting.OpenAI;

/// <summary>An official OpenAI SDK client pointed at the proxy, as a user would configure it.</summary>
internal static class OpenAIClients
{
    public const string BashSchema = """{"type":"object","properties":{"command":{"type":"string"},"description":{"type":"string"}},"required":["command"]}""";

    public static OpenAIClient Create(ProxyFixture proxy, string apiKey = "any-key", int? maxRetries = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(proxy.BaseAddress, "v1") };
        if (maxRetries is { } retries)
        {
            options.RetryPolicy = new ClientRetryPolicy(retries);
        }

        return new OpenAIClient(new ApiKeyCredential(apiKey), options);
    }
}

using System.Globalization;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Hosting;
using CodexProxy.Translation;
using CodexProxy.Configuration;
using CodexProxy.Translation.Request;

// A 30-request Claude Code tool loop in one session: 10 main-thread requests, then the main thread starts a subagent
// (Task) that makes 8 requests with its own system prompt, then 12 more main-thread requests. Every request goes
// through the real RequestMapper and is scored by a prefix-caching fake upstream.
const string Session = "5d0c8b8e-3f44-4a5e-9a51-2b7c1d9e6f10";
var mainSession = new ClaudeCodeSession(Session, Lorem(2600, 11), "Fix the failing tests in the request mapper and explain the cause.", ClaudeCodeSession.ToolDefinitions(14, 3), seed: 1);
var subagent = new ClaudeCodeSession(Session, Lorem(700, 12), "Find every caller of RequestMapper.ToCodexRequest and report how each builds its context.", ClaudeCodeSession.ToolDefinitions(6, 4), seed: 2);

var requests = new List<(string Thread, string Json)>();
for (var i = 0; i < 10; i++)
{
    requests.Add(("main", mainSession.NextRequest()));
    if (i < 9)
    {
        mainSession.AdvanceWithToolCall(i % 2 == 0 ? "Bash" : "Read");
    }
}

for (var i = 0; i < 8; i++)
{
    requests.Add(("subagent", subagent.NextRequest()));
    subagent.AdvanceWithToolCall(i % 2 == 0 ? "Grep" : "Read");
}

mainSession.AdvanceWithToolCall("Task", subagent.Words(220));
for (var i = 0; i < 12; i++)
{
    requests.Add(("main", mainSession.NextRequest()));
    mainSession.AdvanceWithToolCall(i % 3 == 0 ? "Edit" : "Bash");
}

var perThread = new PrefixCacheUpstream();
var sessionOnly = new PrefixCacheUpstream();
long input = 0, cachedPerThread = 0, cachedSessionOnly = 0;
Console.WriteLine("  #  thread     input  cached(per-thread key)  cached(session-id key)");
for (var n = 0; n < requests.Count; n++)
{
    var request = JsonSerializer.Deserialize(requests[n].Json, AnthropicJsonContext.Default.MessagesRequest)!;
    var body = RequestMapper.ToCodexRequest(request, new RequestContext(Session, new ModelMappingOptions())).Body;
    var (tokens, cached) = perThread.Send(body);
    var (_, baseline) = sessionOnly.Send(body with { PromptCacheKey = SessionKey.SessionOf(body.PromptCacheKey!) });
    input += tokens;
    cachedPerThread += cached;
    cachedSessionOnly += baseline;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n + 1,3}  {requests[n].Thread,-9} {tokens,6}  {cached,22}  {baseline,22}"));
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requests: {requests.Count}, input tokens: {input}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cache-hit ratio, per-thread prompt_cache_key (this proxy): {100.0 * cachedPerThread / input:F1} %"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cache-hit ratio, session id as the only key (baseline):    {100.0 * cachedSessionOnly / input:F1} %"));
return cachedPerThread * 100 >= input * 80 ? 0 : 1;

static string Lorem(int words, int seed) => new ClaudeCodeSession("x", "x", "x", [], seed).Words(words);

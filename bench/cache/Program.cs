using System.Globalization;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.CacheBench;
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

// Tool search (Claude Code 2.1.328): 6 main-thread requests, then the model loads CronList with ToolSearch, calls it,
// and 8 more requests follow. Loading a tool changes the tool list, which the model reads before the conversation.
const string SearchSession = "0b7e52a4-9c1d-4f0e-8d3a-6e2f1a9b7c55";
var withSearch = ToolSearchRequests(loadTool: true);
var withoutSearch = ToolSearchRequests(loadTool: false);
var appended = Replay(withSearch, static (body, _) => body);
var inClientOrder = Replay(withSearch, InClientOrder);
var neverLoaded = Replay(withoutSearch, static (body, _) => body);
Console.WriteLine();
Console.WriteLine("Tool search: ToolSearch answered at request 7 (its tool_reference reaches the model in request 8)");
Console.WriteLine("  #   input  cached(loaded tool appended: this proxy)  cached(loaded tool in Claude Code's order)  cached(no tool search)");
for (var n = 0; n < withSearch.Count; n++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{n + 1,3}  {appended.PerRequest[n].Input,6}  {appended.PerRequest[n].Cached,40}  {inClientOrder.PerRequest[n].Cached,42}  {neverLoaded.PerRequest[n].Cached,22}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cache-hit ratio across the ToolSearch, loaded tool appended (this proxy): {appended.Ratio:F1} %"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cache-hit ratio across the ToolSearch, loaded tool in Claude Code's order: {inClientOrder.Ratio:F1} %"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cache-hit ratio of the same session without a ToolSearch (reference):   {neverLoaded.Ratio:F1} %"));
return cachedPerThread * 100 >= input * 80 ? 0 : 1;

static List<string> ToolSearchRequests(bool loadTool)
{
    var session = new ClaudeCodeSession(SearchSession, Lorem(2600, 21), "Check my scheduled jobs, then fix the failing build.", ClaudeCodeSession.ToolSearchToolDefinitions(10, 5), seed: 3);
    var requests = new List<string>();
    for (var i = 0; i < 15; i++)
    {
        requests.Add(session.NextRequest());
        if (i == 6 && loadTool)
        {
            session.AdvanceWithToolSearch(ClaudeCodeSession.DeferredTool("CronList"));
        }
        else
        {
            session.AdvanceWithToolCall(i == 7 && loadTool ? "CronList" : i % 2 == 0 ? "Bash" : "Read");
        }
    }

    return requests;
}

static (List<(int Input, int Cached)> PerRequest, double Ratio) Replay(List<string> requests, Func<CodexRequest, MessagesRequest, CodexRequest> shape)
{
    var upstream = new PrefixCacheUpstream();
    var perRequest = new List<(int Input, int Cached)>();
    foreach (var json in requests)
    {
        var request = JsonSerializer.Deserialize(json, AnthropicJsonContext.Default.MessagesRequest)!;
        var body = RequestMapper.ToCodexRequest(request, new RequestContext(SearchSession, new ModelMappingOptions())).Body;
        perRequest.Add(upstream.Send(shape(body, request)));
    }

    return (perRequest, 100.0 * perRequest.Sum(r => (long)r.Cached) / perRequest.Sum(r => (long)r.Input));
}

// The alternative: the offered tools in the order Claude Code lists them (a loaded tool lands among the others).
static CodexRequest InClientOrder(CodexRequest body, MessagesRequest request)
{
    var order = request.Tools!.Select((tool, index) => (tool.Name, index)).ToDictionary(t => t.Name!, t => t.index);
    return body with { Tools = [.. body.Tools.OrderBy(tool => tool is CodexFunctionTool function ? order.GetValueOrDefault(function.Name, int.MaxValue) : int.MaxValue)] };
}

static string Lorem(int words, int seed) => new ClaudeCodeSession("x", "x", "x", [], seed).Words(words);

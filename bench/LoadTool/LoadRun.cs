using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;

namespace LoadTool;

/// <summary>One bounded run: <c>concurrency</c> workers pull request slots until the count or the time runs out.</summary>
internal sealed class LoadRun(HttpClient http, Uri url, byte[] body, int concurrency, int requests, TimeSpan duration, bool recordGaps)
{
    private readonly List<double> _latenciesMs = [];
    private readonly List<double> _firstEventMs = [];
    private readonly List<double> _gapsMs = [];
    private int _issued;
    private int _errors;
    private string? _firstError;

    public async Task<LoadResult> RunAsync()
    {
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(() => WorkerAsync(SessionOf(worker), stop.Token))));
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new LoadResult(_latenciesMs, _firstEventMs, _gapsMs, _errors, _firstError, elapsed);
    }

    /// <summary>Each worker is one Claude Code conversation (a session, or a subagent's thread): the proxy keeps one
    /// upstream WebSocket per conversation, so concurrent streams of one session would all fall back to HTTPS.</summary>
    private static string SessionOf(int worker) => $"6f1c2a9e-0000-4000-8000-{worker:D12}";

    private async Task WorkerAsync(string session, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && Interlocked.Increment(ref _issued) <= requests)
        {
            try
            {
                await OneRequestAsync(session, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
            {
                Interlocked.Increment(ref _errors);
                Interlocked.CompareExchange(ref _firstError, e.Message, null);
            }
        }
    }

    private async Task OneRequestAsync(string session, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", "dummy");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("X-Claude-Code-Session-Id", session);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(stop)}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(stop);
        double? firstEvent = null;
        long lastDelta = 0;
        var gaps = recordGaps ? new List<double>() : null;
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(stop))
        {
            var now = Stopwatch.GetTimestamp();
            firstEvent ??= Stopwatch.GetElapsedTime(started, now).TotalMilliseconds;
            if (item.EventType is "error" or "response.failed")
            {
                throw new InvalidOperationException("stream error: " + item.Data);
            }

            // Text deltas: Anthropic's content_block_delta (through the proxy) or Codex's output_text.delta (direct).
            if (gaps is not null && item.EventType is "content_block_delta" or "response.output_text.delta")
            {
                if (lastDelta != 0)
                {
                    gaps.Add(Stopwatch.GetElapsedTime(lastDelta, now).TotalMilliseconds);
                }

                lastDelta = now;
            }
        }

        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (_latenciesMs)
        {
            _latenciesMs.Add(total);
            _firstEventMs.Add(firstEvent ?? total);
            if (gaps is not null)
            {
                _gapsMs.AddRange(gaps);
            }
        }
    }
}

internal sealed record LoadResult(List<double> LatenciesMs, List<double> FirstEventMs, List<double> DeltaGapsMs, int Errors, string? FirstError, TimeSpan Elapsed)
{
    public int Completed => LatenciesMs.Count;

    public double LatencyPercentile(double p) => Percentile(LatenciesMs, p);

    public double FirstEventPercentile(double p) => Percentile(FirstEventMs, p);

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

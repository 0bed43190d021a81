using BenchmarkDotNet.Attributes;
using CodexProxy.Translation.Tokens;
using Microsoft.ML.Tokenizers;

namespace CodexProxy.Benchmarks;

/// <summary>
/// <c>count_tokens</c> on hostile text: one pre-tokenized piece of 2 MiB (the same letter, or random letters, which
/// defeat the tokenizer's cache), against ordinary prose of the same size. The uncapped merge is shown on a 16 KiB run
/// only: it is quadratic, and 256 KiB took 25 s before the cap.
/// </summary>
[MemoryDiagnoser]
public class TokenCounterBenchmarks
{
    private const int Length = 2 * 1024 * 1024;

    private static readonly Tokenizer Uncapped = TiktokenTokenizer.CreateForEncoding("o200k_base");

    private readonly string _sameLetter = new('a', Length);
    private readonly string _randomLetters = RandomLetters(Length);
    private const string Sentence = "The proxy counts tokens of the request as sent to Codex. ";

    private readonly string _prose = string.Concat(Enumerable.Repeat(Sentence, (Length / Sentence.Length) + 1))[..Length];
    private readonly string _randomLetters16K = RandomLetters(16 * 1024);

    [GlobalSetup]
    public void Setup() => TokenCounter.CountText("warm up the vocabulary");

    [Benchmark(Description = "2 MiB run of one letter")]
    public int SameLetter() => TokenCounter.CountText(_sameLetter);

    [Benchmark(Description = "2 MiB run of random letters")]
    public int RandomRun() => TokenCounter.CountText(_randomLetters);

    [Benchmark(Description = "2 MiB of prose")]
    public int Prose() => TokenCounter.CountText(_prose);

    [Benchmark(Description = "16 KiB random run, capped")]
    public int RandomRun16K() => TokenCounter.CountText(_randomLetters16K);

    [Benchmark(Description = "16 KiB random run, uncapped merge")]
    public int RandomRun16KUncapped() => Uncapped.CountTokens(_randomLetters16K);

    private static string RandomLetters(int length)
    {
        var random = new Random(7);
        return string.Create(length, random, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + random.Next(26));
            }
        });
    }
}

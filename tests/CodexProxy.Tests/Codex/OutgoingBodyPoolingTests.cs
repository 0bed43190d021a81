using System.Buffers;
using System.Net;
using CodexProxy.Codex;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>
/// The upstream body's pooled buffers go back to the pool on every path through the real proxy: a normal answer, an
/// upstream error, a retry after a server error (a new body per attempt), the uncompressed resend after the backend
/// refuses zstd (the same body twice), and a client that leaves while the upstream has not answered.
/// </summary>
public sealed class OutgoingBodyPoolingTests
{
    private static readonly TimeSpan UnwindTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Success_ReturnsEveryBuffer()
    {
        var ct = TestContext.Current.CancellationToken;
        var pool = new CountingArrayPool();
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await StartProxyAsync(fake, pool, ct);

        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(AnthropicRequests.Text("Hi", stream: true)), ct);
        await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertAllReturned(pool, minimumRented: 2);
    }

    [Fact]
    public async Task UpstreamError_ReturnsEveryBuffer()
    {
        var ct = TestContext.Current.CancellationToken;
        var pool = new CountingArrayPool();
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Responder = _ => UpstreamErrors.BadRequest("The model refuses this test.");
        await using var proxy = await StartProxyAsync(fake, pool, ct);

        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(AnthropicRequests.Text("Hi", stream: false)), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertAllReturned(pool, minimumRented: 2);
    }

    [Fact]
    public async Task RetryAfterServerError_ReturnsTheBuffersOfEveryAttempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var pool = new CountingArrayPool();
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamErrors.ServerError(), UpstreamErrors.ServerError(), UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await StartProxyAsync(fake, pool, ct);

        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(AnthropicRequests.Text("Hi", stream: false)), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, fake.Requests.Count);
        AssertAllReturned(pool, minimumRented: 6);
    }

    [Fact]
    public async Task CompressionRefused_ResendsTheSameBodyUncompressed_AndReturnsItsBuffers()
    {
        var ct = TestContext.Current.CancellationToken;
        var pool = new CountingArrayPool();
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.RefuseCompressedBodies = true;
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await StartProxyAsync(fake, pool, ct);

        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(AnthropicRequests.Text("Hi", stream: false)), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal(fake.Requests[0].Body, fake.Requests[1].Body);
        AssertAllReturned(pool, minimumRented: 2);
    }

    [Fact]
    public async Task ClientLeavesBeforeTheUpstreamAnswers_ReturnsEveryBuffer()
    {
        var ct = TestContext.Current.CancellationToken;
        var pool = new CountingArrayPool();
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Hang());
        await using var proxy = await StartProxyAsync(fake, pool, ct);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var call = proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(AnthropicRequests.Text("Hi", stream: true)), leave.Token);
        while (fake.Requests.Count == 0)
        {
            await Task.Delay(10, ct);
        }

        Assert.True(pool.Outstanding > 0, "the body is held while the upstream has not answered");
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.Equal(0, await pool.OutstandingAfterAsync(UnwindTimeout, ct));
        AssertAllReturned(pool, minimumRented: 1);
    }

    private static Task<ProxyFixture> StartProxyAsync(FakeCodexUpstream fake, CountingArrayPool pool, CancellationToken ct) =>
        ProxyFixture.StartAsync(fake, new ProxyFixtureOptions
        {
            RetryPolicy = new UpstreamRetryPolicy(3, TimeSpan.FromMilliseconds(2)),
            Configure = builder => builder.Services.Replace(ServiceDescriptor.Singleton<ArrayPool<byte>>(pool)),
        }, ct);

    private static void AssertAllReturned(CountingArrayPool pool, int minimumRented)
    {
        Assert.True(pool.Rented >= minimumRented, $"{pool.Rented} arrays rented, expected at least {minimumRented}: the body did not come from the pool");
        Assert.Equal((0, 0), (pool.Outstanding, pool.ForeignReturns));
    }
}

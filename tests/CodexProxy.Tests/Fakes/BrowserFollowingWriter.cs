using System.Globalization;
using Xunit;

namespace CodexProxy.Tests.Fakes;

/// <summary>The terminal a login prints to; when the authorize URL appears, a "browser" opens it (and follows the
/// fake auth server's redirect to the login's callback).</summary>
internal sealed class BrowserFollowingWriter(HttpClient browser) : StringWriter(CultureInfo.InvariantCulture)
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task PageLoaded => _loaded.Task;

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value is not null && value.StartsWith("http", StringComparison.Ordinal))
        {
            _ = FollowAsync(new Uri(value));
        }
    }

    private async Task FollowAsync(Uri url)
    {
        try
        {
            using var page = await browser.GetAsync(url, TestContext.Current.CancellationToken);
            _loaded.TrySetResult();
        }
        catch (Exception e)
        {
            _loaded.TrySetException(e);
        }
    }
}

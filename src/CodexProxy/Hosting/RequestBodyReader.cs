using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CodexProxy.Anthropic;
using CodexProxy.IO;

namespace CodexProxy.Hosting;

/// <summary>Reads a JSON body through a source-generated contract; malformed input becomes a 400 naming the JSON path,
/// and a chunked body over the size limit a 413 (see <see cref="RequestBodyLimit"/>). The Content-Type was checked
/// before anything was read (<see cref="EdgeGuardMiddleware"/>).</summary>
internal static class RequestBodyReader
{
    public static Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> contract, CancellationToken cancellationToken)
        where T : class =>
        ReadAsync(request, body => JsonSerializer.Deserialize(body, contract), cancellationToken);

    /// <summary>As above, with the parse given as a function of the body's bytes (which it must not keep).</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, Func<ReadOnlySpan<byte>, T?> parse, CancellationToken cancellationToken)
        where T : class
    {
        var body = RequestBodyLimit.Open(request);
        try
        {
            using var buffered = await PooledBody.ReadAsync(body, request.ContentLength, cancellationToken);
            return parse(buffered.Span)
                ?? throw new InvalidRequestException("The request body must be a JSON object, not null.");
        }
        catch (RequestTooLargeException e)
        {
            RequestBodyLimit.Refuse(request.HttpContext, e.Limit);
            throw;
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            if (e is ContentBlockJsonException block)
            {
                path += block.RelativePath;
            }

            throw new InvalidRequestException($"Invalid JSON at {path}: {Describe(e)}");
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
        {
            // Raised while reading a string value, outside the serializer's JsonException handling.
            throw new InvalidRequestException("The request body is not valid UTF-8 JSON.");
        }
    }

    /// <summary>System.Text.Json's messages name CLR types; say what was wrong in JSON terms instead.</summary>
    private static string Describe(JsonException e) =>
        e.InnerException is InvalidOperationException or FormatException
            ? "a value has the wrong type."
            : e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
}

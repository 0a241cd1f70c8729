using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace KesGateway.Server.Endpoints;

/// <summary>Reads a bounded JSON request body with Go's leniency: only the first JSON value counts, trailing bytes are ignored.</summary>
internal static class RequestBody
{
    /// <summary>Reads and decodes the body; <see langword="false"/> for an oversized, unreadable or undecodable body; a JSON <c>null</c> decodes to <see langword="null"/> (Go leaves the request empty).</summary>
    public static async Task<(bool Ok, T? Value)> TryReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, long maxBody)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = bigger;
                }

                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBody)
                {
                    return (false, default);
                }
            }

            return Decode(buffer.AsSpan(0, length), typeInfo);
        }
        catch (BadHttpRequestException)
        {
            // Kestrel's own body limit (set per route by the router) or a malformed chunked body.
            return (false, default);
        }
        finally
        {
            // Bodies carry plaintexts and data keys: clear before the buffer goes back to the pool.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Reports whether the request says it carries a body (Go treats chunked bodies as non-empty).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static (bool Ok, T? Value) Decode<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowMultipleValues = true });
            var value = JsonSerializer.Deserialize(ref reader, typeInfo);
            return (true, value);
        }
        catch (JsonException)
        {
            return (false, default);
        }
    }
}

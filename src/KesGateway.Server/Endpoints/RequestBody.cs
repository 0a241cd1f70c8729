using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace KesGateway.Server.Endpoints;

/// <summary>Reads a bounded JSON request body with Go's leniency: only the first JSON value counts, trailing bytes are ignored.</summary>
internal static class RequestBody
{
    /// <summary>Reads and decodes the body; <see langword="false"/> for an oversized, unreadable or undecodable body; a JSON <c>null</c> decodes to <see langword="null"/> (Go leaves the request empty).</summary>
    /// <remarks>
    /// Reads Kestrel's buffers in place through the body's <see cref="System.IO.Pipelines.PipeReader"/> and decodes them
    /// there: no copy, and no allocation when the body has already arrived (MinIO's small bodies always have).
    /// </remarks>
    public static async ValueTask<(bool Ok, T? Value)> TryReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, long maxBody)
    {
        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var body = result.Buffer;
                if (body.Length > maxBody)
                {
                    reader.AdvanceTo(body.End);
                    return (false, default);
                }

                if (result.IsCompleted)
                {
                    var decoded = Decode(body, typeInfo);
                    reader.AdvanceTo(body.End);
                    return decoded;
                }

                // Nothing consumed, everything examined: wake up when more has arrived.
                reader.AdvanceTo(body.Start, body.End);
            }
        }
        catch (BadHttpRequestException)
        {
            // Kestrel's own body limit (set per route by the router) or a malformed chunked body.
            return (false, default);
        }
    }

    /// <summary>Reports whether the request says it carries a body (Go treats chunked bodies as non-empty).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static (bool Ok, T? Value) Decode<T>(in ReadOnlySequence<byte> json, JsonTypeInfo<T> typeInfo)
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

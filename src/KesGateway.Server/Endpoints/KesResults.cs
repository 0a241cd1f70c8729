using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KesGateway.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace KesGateway.Server.Endpoints;

/// <summary>Writes KES-shaped answers: every error of the server and the gateway goes through here (no ProblemDetails).</summary>
public static class KesResults
{
    /// <summary>Writes a KES error: <c>application/json</c>, Content-Length set, body <c>{"message":"…"\n}</c>.</summary>
    public static Task WriteErrorAsync(HttpContext context, KesError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = GoJson.ErrorBody(error.Message);
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>Writes a 200 JSON answer followed by a newline, as Go's encoder does.</summary>
    /// <remarks>
    /// The body is serialized into this thread's reusable buffer, copied into the response without a flush (Kestrel sends
    /// headers and body together, in one TLS record, when the request completes), and the buffer is cleared: answers
    /// carry plaintext data keys.
    /// </remarks>
    public static Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(context);
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer);
        try
        {
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, value, typeInfo);
            writer.Flush();
            buffer.Write("\n"u8);

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            // Clear zeroes what was written, so no data key stays behind in the reused buffer.
            buffer.Clear();
            writer.Reset();
        }

        return Task.CompletedTask;
    }

    /// <summary>Writes a 200 answer with no body (create, import, delete, ready).</summary>
    public static Task WriteEmptyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;
}

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
    public static async Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = body.Length + 1;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        await response.Body.WriteAsync(NewLine, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes a 200 answer with no body (create, import, delete, ready).</summary>
    public static Task WriteEmptyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KesGateway.Core.Protocol;
using KesGateway.Server.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.Server.Endpoints;

/// <summary>The live NDJSON log streams and the metrics endpoint (kes-compat §10.3, §11).</summary>
internal static class LogEndpoints
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static Task AuditAsync(HttpContext context) =>
        StreamAsync(context, context.RequestServices.GetRequiredService<AuditLog>().Stream, KesJsonContext.Default.AuditEvent);

    public static Task ErrorAsync(HttpContext context) =>
        StreamAsync(context, context.RequestServices.GetRequiredService<ErrorLog>().Stream, KesJsonContext.Default.ErrorEvent);

    public static Task MetricsAsync(HttpContext context)
    {
        var metrics = context.RequestServices.GetRequiredService<KesMetrics>();
        var tenant = context.Features.GetRequiredFeature<KesRequestFeature>().State;
        var body = System.Text.Encoding.UTF8.GetBytes(metrics.Render(
            context.RequestServices.GetRequiredService<ErrorLog>().Stream.Delivered,
            context.RequestServices.GetRequiredService<AuditLog>().Stream.Delivered,
            tenant.Keys,
            tenant.Name));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    // Subscribe first, then send the headers, so the client never believes it is subscribed while events slip by;
    // one line per event, flushed, until the client leaves.
    private static async Task StreamAsync<T>(HttpContext context, LogBroadcaster<T> stream, JsonTypeInfo<T> typeInfo)
    {
        using var subscription = stream.Subscribe(context.Features.GetRequiredFeature<KesRequestFeature>().State.Name);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-ndjson";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            await foreach (var item in subscription.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(item, typeInfo), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync(NewLine, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the normal end of a stream.
        }
    }
}

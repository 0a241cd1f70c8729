using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;
using Microsoft.AspNetCore.Http;

namespace KesGateway.Server.Observability;

/// <summary>Audits every request, rejections included (kes-compat §10; KES itself audits only create, import and delete).</summary>
/// <remarks>Outermost after error handling, so it sees the final status code of every answer.</remarks>
public sealed class RequestTelemetryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuditLog _audit;
    private readonly KesMetrics _metrics;
    private readonly TimeProvider _time;

    /// <summary>Creates the middleware.</summary>
    public RequestTelemetryMiddleware(RequestDelegate next, AuditLog audit, KesMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        _next = next;
        _audit = audit;
        _time = time;
    }

    /// <summary>Runs the request and records it.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = _time.GetTimestamp();
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            var elapsed = _time.GetElapsedTime(started);
            var request = context.Features.Get<KesRequestFeature>();
            var tenant = context.Features.Get<Tenancy.TenantFeature>()?.Tenant.Name;
            _metrics.Request(tenant ?? Configuration.TenantConfig.DefaultName, request?.Route.Path ?? "unmatched", context.Response.StatusCode);
            await _audit.WriteAsync(
                new AuditEvent
                {
                    Time = _time.GetUtcNow(),
                    Request = new AuditRequest
                    {
                        IP = context.Connection.RemoteIpAddress?.ToString(),
                        Path = request?.Path ?? context.Request.Path.Value ?? "/",
                        Identity = request?.Identity,
                    },
                    Response = new AuditResponse { Code = context.Response.StatusCode, Time = (long)(elapsed.Ticks * 100) },
                },
                context.Request.Method,
                tenant).ConfigureAwait(false);
        }
    }
}

using System.Globalization;
using KesGateway.Core.Protocol;
using KesGateway.Server.Hosting;

namespace KesGateway.Server.Observability;

/// <summary>The audit log: one event per request (KES audits only create, import and delete; we audit everything).</summary>
/// <remarks>Events go to stdout as one text line each when the audit level allows INFO, and to every <c>/v1/log/audit</c> subscriber.</remarks>
public sealed class AuditLog
{
    private readonly GatewayStateHolder _state;
    private readonly TextWriter _console;

    /// <summary>Creates the audit log writing text lines to <paramref name="console"/> (stdout in the server).</summary>
    public AuditLog(GatewayStateHolder state, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(console);
        _state = state;
        _console = console;
    }

    /// <summary>Gets the live stream subscribers.</summary>
    public LogBroadcaster<AuditEvent> Stream { get; } = new();

    /// <summary>Records one finished request of <paramref name="tenant"/> (the default tenant's when <see langword="null"/>).</summary>
    public void Write(AuditEvent auditEvent, string method, string? tenant = null)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        Stream.Publish(auditEvent, tenant);
        if (_state.Current.Config.Log.Audit > 0)
        {
            return;
        }

        // slog's text format, as KES prints audit lines; key material never appears in an audit event.
        var line = string.Create(CultureInfo.InvariantCulture,
            $"time={auditEvent.Time:yyyy-MM-ddTHH:mm:ss.fffzzz} level=INFO msg=\"request\" {(tenant is null or Configuration.TenantConfig.DefaultName ? string.Empty : "tenant=" + tenant + " ")}req.method={method} req.path={auditEvent.Request.Path} req.ip={auditEvent.Request.IP ?? "<unknown>"} req.identity={auditEvent.Request.Identity ?? "<unknown>"} res.code={auditEvent.Response.Code} res.time={TimeSpan.FromTicks(auditEvent.Response.Time / 100).TotalMilliseconds:0.###}ms");
        lock (_console)
        {
            _console.WriteLine(line);
        }
    }
}

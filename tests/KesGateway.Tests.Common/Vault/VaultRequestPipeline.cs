using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// The double's single request handler: journal, faults, then Vault's order of §9.9 — method mapping, health,
/// sealed, namespace, token, existence check, ACL, mount, backend.
/// </summary>
internal sealed class VaultRequestPipeline
{
    private const int MaxBody = 32 * 1024 * 1024;
    private const string PolicyDenied = "1 error occurred:\n\t* permission denied\n\n";
    private const string InvalidToken = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

    private readonly VaultCore _core;
    private readonly VaultDouble _owner;
    private readonly CancellationToken _stopping;

    public VaultRequestPipeline(VaultCore core, VaultDouble owner, CancellationToken stopping)
    {
        _core = core;
        _owner = owner;
        _stopping = stopping;
    }

    public async Task InvokeAsync(HttpContext http)
    {
        var bodyText = await ReadBodyAsync(http.Request, http.RequestAborted);
        var record = _core.Journal.Add(sequence => Record(http, bodyText, sequence));
        var rule = _core.Faults.Take(record);
        var fault = rule?.Fault;
        switch (fault?.Kind)
        {
            case VaultFaultKind.Respond:
                rule!.Hit();
                await WriteAsync(http, record, fault.ToResponse(), VaultFaultKind.Respond);
                return;
            case VaultFaultKind.Reset:
                rule!.Hit();
                Abort(http, record);
                return;
            case VaultFaultKind.Hang:
                await HangAsync(http, rule!);
                Abort(http, record);
                return;
            case VaultFaultKind.Delay:
                if (!await DelayAsync(http, rule!, fault.Duration))
                {
                    Abort(http, record);
                    return;
                }

                break;
            case VaultFaultKind.Before:
                rule!.Hit();
                fault.Action!(_owner);
                break;
        }

        VaultResponse response;
        try
        {
            lock (_core.Sync)
            {
                response = Handle(http, record);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the double shows up as a 500 a test can read, not as a bare Kestrel 500.
            response = VaultResponse.Errors(500, $"vault double: {e.GetType().Name}: {e.Message}");
        }

        if (fault?.Kind is VaultFaultKind.LoseResponse)
        {
            rule!.Hit();
            Abort(http, record);
            return;
        }

        if (fault?.Kind is VaultFaultKind.Truncate)
        {
            rule!.Hit();
        }

        await WriteAsync(http, record, response, fault?.Kind ?? VaultFaultKind.Respond);
    }

    private VaultRequestRecord Record(HttpContext http, string body, long sequence)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in http.Request.Headers)
        {
            headers[name] = values.ToString();
        }

        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path + http.Request.QueryString;
        return new VaultRequestRecord
        {
            Sequence = sequence,
            ConnectionId = http.Connection.Id,
            Protocol = http.Request.Protocol,
            Method = http.Request.Method,
            Target = raw,
            Path = http.Request.Path.Value ?? "/",
            Query = http.Request.QueryString.Value ?? string.Empty,
            Headers = headers,
            Body = body,
            ReceivedAt = _core.Time.GetUtcNow(),
        };
    }

    private VaultResponse Handle(HttpContext http, VaultRequestRecord record)
    {
        var now = _core.Time.GetUtcNow();
        var request = http.Request;
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

        VaultOperation operation;
        switch (request.Method)
        {
            case "GET":
                operation = VaultOperation.Read;
                if (query.Remove("list", out var list))
                {
                    if (!VaultJson.TryGoBool(list, out var listing))
                    {
                        return VaultResponse.Errors(400, $"strconv.ParseBool: parsing \"{list}\": invalid syntax");
                    }

                    operation = listing ? VaultOperation.List : VaultOperation.Read;
                }

                break;
            case "LIST":
                operation = VaultOperation.List;
                query.Remove("list");
                break;
            case "PUT" or "POST":
                operation = VaultOperation.Update;
                break;
            case "DELETE":
                operation = VaultOperation.Delete;
                break;
            case "PATCH":
                var contentType = request.ContentType ?? string.Empty;
                if (!contentType.StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase))
                {
                    return VaultResponse.Errors(415, $"PATCH requires Content-Type of application/merge-patch+json, got \"{contentType}\"");
                }

                operation = VaultOperation.Patch;
                break;
            case "HEAD":
                operation = VaultOperation.Header;
                break;
            default:
                return VaultResponse.Errors(405);
        }

        if (!record.Path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return VaultResponse.NotFound();
        }

        var path = record.Path[4..];
        if (operation == VaultOperation.List && !path.EndsWith('/'))
        {
            path += "/";
        }

        // Namespace = header + any leading path segments naming child namespaces.
        var header = request.Headers["X-Vault-Namespace"].ToString();
        var space = _core.FindNamespace(header);
        while (space is not null && path.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash && space.Children.TryGetValue(path[..slash], out var child))
        {
            space = child;
            path = path[(slash + 1)..];
        }

        if (path is "sys/health" or "sys/seal-status")
        {
            var namespaced = VaultPaths.Namespace(header).Length > 0 || space is not { IsRoot: true };
            if (namespaced && _core.Options.RejectNamespaceOnHealth)
            {
                return VaultResponse.Errors(404, "unsupported path");
            }

            if (operation is not (VaultOperation.Read or VaultOperation.Header))
            {
                return VaultResponse.Errors(405);
            }

            return path == "sys/health" ? VaultHealth.Health(_core, query, now) : VaultHealth.SealStatus(_core);
        }

        if (_core.Sealed || !_core.Initialized)
        {
            return VaultResponse.Errors(503, "Vault is sealed");
        }

        if (space is null)
        {
            return VaultResponse.Errors(_core.Options.UnknownNamespaceStatus, _core.Options.UnknownNamespaceError);
        }

        var body = VaultJson.ParseBody(record.Body, out var bodyError);
        if (body is null)
        {
            return VaultResponse.BadRequest(bodyError!);
        }

        var mount = space.FindMount(path, out var relative);
        var unauthenticated = mount?.IsUnauthenticated(relative) == true;
        VaultToken? token = null;
        if (!unauthenticated)
        {
            var tokenId = TokenOf(request);
            if (string.IsNullOrEmpty(tokenId))
            {
                return VaultResponse.Errors(403, "permission denied");
            }

            token = _core.Tokens.Find(tokenId);
            if (token is null || token.Revoked || token.IsExpired(now) || !space.IsSelfOrDescendantOf(token.Namespace)
                || (_core.TokenReplicationLag > TimeSpan.Zero && now - token.CreationTime < _core.TokenReplicationLag && !token.IsRoot))
            {
                return VaultResponse.Errors(403, _core.Options.LegacyInvalidTokenError ? "permission denied" : InvalidToken);
            }
        }

        var context = new VaultRequestContext
        {
            Record = record,
            Operation = operation,
            Namespace = space,
            Path = path,
            RelativePath = relative,
            Query = query,
            Body = body,
            Now = now,
            Token = token,
            ContentType = request.ContentType,
        };

        if (operation == VaultOperation.Update && mount?.Exists(context) is { } exists)
        {
            context.Operation = exists ? VaultOperation.Update : VaultOperation.Create;
        }

        if (token is not null && !token.IsRoot && !(mount is SysMount && SysMount.SkipsAcl(relative)))
        {
            var aclPath = space.Path[token.Namespace.Path.Length..] + path;
            var policies = token.Policies.Select(token.Namespace.Policies.GetValueOrDefault).OfType<VaultPolicy>();
            if (!VaultAcl.IsAllowed(policies, aclPath, context.Operation))
            {
                return VaultResponse.Errors(403, PolicyDenied);
            }
        }

        if (mount is null)
        {
            return VaultResponse.Errors(404, $"no handler for route \"{path}\". route entry not found.");
        }

        var response = mount.Handle(context);
        if (token is { NumUses: > 0 })
        {
            token.NumUses--;
            token.Revoked = token.NumUses == 0;
        }

        return response;
    }

    /// <summary>Waits on the double's clock; false when the client gave up or the double is stopping.</summary>
    private async Task<bool> DelayAsync(HttpContext http, VaultFaultRule rule, TimeSpan duration)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping);
        var waiting = Task.Delay(duration, _core.Time, stop.Token);
        using var held = rule.Hold();
        rule.Hit();
        try
        {
            await waiting;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task HangAsync(HttpContext http, VaultFaultRule rule)
    {
        using var hang = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping);
        var waiting = Task.Delay(Timeout.InfiniteTimeSpan, hang.Token);
        rule.Hit();
        try
        {
            await waiting;
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the double is stopping: either way the request ends unanswered.
        }
    }

    private static string? TokenOf(HttpRequest request)
    {
        var token = request.Headers["X-Vault-Token"].ToString();
        if (token.Length > 0)
        {
            return token;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                throw new BadHttpRequestException("request body too large", 413);
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private void Abort(HttpContext http, VaultRequestRecord record)
    {
        _core.Journal.Complete(record, null, aborted: true);
        http.Abort();
    }

    private async Task WriteAsync(HttpContext http, VaultRequestRecord record, VaultResponse response, VaultFaultKind mode)
    {
        var httpResponse = http.Response;
        httpResponse.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            httpResponse.Headers[name] = value;
        }

        // Like Go's net/http, a status that allows no body (e.g. activecode=204) drops it.
        if (response.Body is null || http.Request.Method == "HEAD" || response.Status is 204 or 304 or < 200)
        {
            if (response.ContentType is not null)
            {
                httpResponse.ContentType = response.ContentType;
            }

            _core.Journal.Complete(record, response.Status, aborted: false);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(response.Body);
        httpResponse.ContentType = response.ContentType;
        httpResponse.Headers.CacheControl = "no-store";
        httpResponse.ContentLength = bytes.Length;
        if (mode == VaultFaultKind.Truncate)
        {
            await httpResponse.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), http.RequestAborted);
            await httpResponse.Body.FlushAsync(http.RequestAborted);
            Abort(http, record);
            return;
        }

        await httpResponse.Body.WriteAsync(bytes, http.RequestAborted);
        _core.Journal.Complete(record, response.Status, aborted: false);
    }
}

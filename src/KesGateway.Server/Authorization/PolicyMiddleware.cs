using KesGateway.Core.Policy;
using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Authorization;

/// <summary>Applies the admin bypass and the caller's policy (deny wins) to routes that demand it (kes-compat §5).</summary>
public sealed partial class PolicyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<PolicyMiddleware> _logger;

    /// <summary>Creates the middleware.</summary>
    public PolicyMiddleware(RequestDelegate next, ILogger<PolicyMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _logger = logger;
    }

    /// <summary>Authorizes the request or answers 403.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        if (request.Route.Auth != RouteAuth.Policy)
        {
            return _next(context);
        }

        // Authentication guarantees an identity on policy routes; the decision uses the decoded path, as KES does.
        var identity = request.Identity!;
        var path = request.Path;
        var decision = request.State.Policies.Authorize(identity, path);
        request.Decision = decision;
        if (decision.IsAllowed)
        {
            return _next(context);
        }

        if (decision.Outcome == PolicyOutcome.UnknownIdentity)
        {
            LogUnknownIdentity(_logger, identity, path);
        }
        else
        {
            LogDenied(_logger, identity, path, decision.PolicyName, decision.Pattern ?? "(no allow pattern matched)");
        }

        return KesResults.WriteErrorAsync(context, KesErrors.NotAuthorized);
    }

    [LoggerMessage(EventId = EventIds.AccessDeniedUnknownIdentity, EventName = nameof(EventIds.AccessDeniedUnknownIdentity), Level = LogLevel.Information,
        Message = "access denied: identity not found: identity={Identity} path={Path}")]
    private static partial void LogUnknownIdentity(ILogger logger, string identity, string path);

    [LoggerMessage(EventId = EventIds.AccessDeniedByPolicy, EventName = nameof(EventIds.AccessDeniedByPolicy), Level = LogLevel.Information,
        Message = "access denied: rejected by policy '{Policy}': identity={Identity} path={Path} rule={Rule}")]
    private static partial void LogDenied(ILogger logger, string identity, string path, string? policy, string rule);
}

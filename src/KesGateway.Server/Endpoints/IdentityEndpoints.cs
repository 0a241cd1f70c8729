using KesGateway.Core.Protocol;
using KesGateway.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.Server.Endpoints;

/// <summary>The identity API (kes-compat §2.16).</summary>
internal static class IdentityEndpoints
{
    public static Task DescribeAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        var started = context.RequestServices.GetRequiredService<GatewayStateHolder>().StartTime;
        var identity = request.Resource;
        if (!KesNames.IsValidName(identity))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.InvalidIdentity(identity));
        }

        var policies = request.State.Policies;
        if (identity == policies.Admin)
        {
            return KesResults.WriteJsonAsync(context, new DescribeIdentityResponse { Admin = true, CreatedAt = started }, KesJsonContext.Default.DescribeIdentityResponse);
        }

        if (!policies.TryGetPolicyOf(identity, out var policy))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.IdentityNotFound);
        }

        return KesResults.WriteJsonAsync(
            context,
            new DescribeIdentityResponse { Policy = policy.Name, CreatedAt = started, CreatedBy = policies.Admin },
            KesJsonContext.Default.DescribeIdentityResponse);
    }

    /// <summary>Answers with the caller's own identity; KES always answers 404 to non-admins here (a bug), we answer in the SDK's shape.</summary>
    public static Task SelfDescribeAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        var started = context.RequestServices.GetRequiredService<GatewayStateHolder>().StartTime;
        var policies = request.State.Policies;
        if (request.Identity is not { } identity)
        {
            return KesResults.WriteErrorAsync(context, KesErrors.ClientCertificateRequired);
        }

        if (identity == policies.Admin)
        {
            return KesResults.WriteJsonAsync(
                context,
                new SelfDescribeResponse { Identity = identity, Admin = true, CreatedAt = started },
                KesJsonContext.Default.SelfDescribeResponse);
        }

        if (!policies.TryGetPolicyOf(identity, out var policy))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.IdentityNotFound);
        }

        return KesResults.WriteJsonAsync(
            context,
            new SelfDescribeResponse
            {
                Identity = identity,
                Policy = policy.Name,
                Allow = PolicyEndpoints.ToPatternMap(policy.Allow),
                Deny = PolicyEndpoints.ToPatternMap(policy.Deny),
                CreatedAt = started,
                CreatedBy = policies.Admin,
            },
            KesJsonContext.Default.SelfDescribeResponse);
    }

    public static Task ListAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        if (!KesNames.IsValidPattern(request.Resource))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.InvalidPattern(request.Resource));
        }

        var prefix = KesNames.PatternToPrefix(request.Resource);
        var policies = request.State.Policies;

        // KES always lists the admin string when it matches, even "disabled".
        IReadOnlyList<string> identities = [.. policies.AssignedIdentities
            .Append(policies.Admin)
            .Where(i => i.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
        return KesResults.WriteJsonAsync(context, new ListIdentitiesResponse { Identities = identities, ContinueAt = "" }, KesJsonContext.Default.ListIdentitiesResponse);
    }
}

using System.Collections.Frozen;
using KesGateway.Core.Protocol;
using KesGateway.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.Server.Endpoints;

/// <summary>The read-only policy API (kes-compat §2.15); policies come only from the config file.</summary>
internal static class PolicyEndpoints
{
    public static Task DescribeAsync(HttpContext context)
    {
        var (request, started) = Begin(context);
        if (!KesNames.IsValidName(request.Resource))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.InvalidPolicyName(request.Resource));
        }

        if (!request.State.Policies.TryGetPolicy(request.Resource, out var policy))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.PolicyNotFound);
        }

        return KesResults.WriteJsonAsync(
            context,
            new DescribePolicyResponse { Name = policy.Name, CreatedAt = started, CreatedBy = request.State.Policies.Admin },
            KesJsonContext.Default.DescribePolicyResponse);
    }

    public static Task ReadAsync(HttpContext context)
    {
        var (request, started) = Begin(context);
        if (!KesNames.IsValidName(request.Resource))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.InvalidPolicyName(request.Resource));
        }

        if (!request.State.Policies.TryGetPolicy(request.Resource, out var policy))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.PolicyNotFound);
        }

        return KesResults.WriteJsonAsync(
            context,
            new ReadPolicyResponse
            {
                Name = policy.Name,
                Allow = ToPatternMap(policy.Allow),
                Deny = ToPatternMap(policy.Deny),
                CreatedAt = started,
                CreatedBy = request.State.Policies.Admin,
            },
            KesJsonContext.Default.ReadPolicyResponse);
    }

    public static Task ListAsync(HttpContext context)
    {
        var (request, _) = Begin(context);
        if (!KesNames.IsValidPattern(request.Resource))
        {
            return KesResults.WriteErrorAsync(context, KesErrors.InvalidPattern(request.Resource));
        }

        var prefix = KesNames.PatternToPrefix(request.Resource);
        IReadOnlyList<string> names = [.. request.State.Policies.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))];
        return KesResults.WriteJsonAsync(context, new ListPoliciesResponse { Names = names, ContinueAt = "" }, KesJsonContext.Default.ListPoliciesResponse);
    }

    /// <summary>Turns patterns into KES's <c>{"pattern":{}}</c> map; <see langword="null"/> when empty so the field is omitted.</summary>
    internal static FrozenDictionary<string, EmptyObject>? ToPatternMap(IEnumerable<string> patterns)
    {
        var map = patterns.Distinct(StringComparer.Ordinal).ToFrozenDictionary(p => p, _ => EmptyObject.Instance, StringComparer.Ordinal);
        return map.Count == 0 ? null : map;
    }

    private static (KesRequestFeature Request, DateTimeOffset Started) Begin(HttpContext context) =>
        (context.Features.GetRequiredFeature<KesRequestFeature>(),
         context.RequestServices.GetRequiredService<GatewayStateHolder>().StartTime);
}

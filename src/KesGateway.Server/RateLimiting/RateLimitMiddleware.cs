using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using KesGateway.Core.Protocol;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KesGateway.Server.RateLimiting;

/// <summary>Holds each request to its tenant's, policy's and identity's budgets: it waits for a token first, then gets 429.</summary>
/// <remarks>
/// Never 503: MinIO's KES client takes any 5xx as a dead endpoint for 30 seconds and retries 503, while a 429 only
/// fails the one call (users-and-anchors §3, §6). Shaping first: a request a little over budget waits in a bounded
/// queue (<c>limits.queue</c>) for its token instead of failing, which turns MinIO's bursts into a steady rate.
/// Runs after the policy check, so refused callers never spend a budget.
/// </remarks>
public sealed class RateLimitMiddleware
{
    /// <summary>The routes of the crypto hot path; every other route counts against the admin budgets.</summary>
    public static FrozenSet<string> CryptoRoutes { get; } = FrozenSet.Create(
        StringComparer.Ordinal, "/v1/key/generate/", "/v1/key/encrypt/", "/v1/key/decrypt/", "/v1/key/bulk/decrypt/", "/v1/key/hmac/");

    private static readonly string[] Scopes = ["tenant", "policy", "identity"];

    private readonly RequestDelegate _next;
    private readonly IRateLimitStore _store;
    private readonly KesMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, StrongBox> _waiting = new(StringComparer.Ordinal);

    // Bucket keys are built once per tenant, scope, name and class, not per request: the hot path allocates no strings.
    // Bounded: the policy check before this only lets known identities (and the admin) through.
    private readonly ConcurrentDictionary<(string Tenant, int Scope, string Name, bool Crypto), string> _keys = new();

    /// <summary>Creates the middleware.</summary>
    public RateLimitMiddleware(RequestDelegate next, IRateLimitStore store, KesMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        _next = next;
        _store = store;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Admits, delays or refuses the request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        var tenant = request.State.Name;
        var limits = request.State.Config.Limits;
        if (!limits.HasBudgets)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var crypto = CryptoRoutes.Contains(request.Route.Path);
        var buckets = new List<BucketRequest>(3);
        var scopes = new List<int>(3);
        Add(buckets, scopes, 0, limits.Tenant, crypto, tenant, string.Empty);
        if (request.Decision?.PolicyName is { } policy && limits.Policies.TryGetValue(policy, out var policyBudgets))
        {
            Add(buckets, scopes, 1, policyBudgets, crypto, tenant, policy);
        }

        if (request.Identity is { } identity)
        {
            Add(buckets, scopes, 2, limits.Identity, crypto, tenant, identity);
        }

        if (buckets.Count == 0)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        // Past the queue's size, only a token available now is taken.
        var waiting = _waiting.GetOrAdd(tenant, static _ => new StrongBox());
        var queued = Interlocked.Increment(ref waiting.Value);
        RateLimitReservation reservation;
        try
        {
            var maxWait = queued <= limits.QueueSize ? limits.QueueTimeout : TimeSpan.Zero;
            reservation = await _store.ReserveAsync(buckets, maxWait, context.RequestAborted).ConfigureAwait(false);
            var limit = reservation.Limiting < 0 ? "none" : Scopes[scopes[reservation.Limiting]];
            if (!reservation.Granted)
            {
                _metrics.RateLimited(tenant, limit, "rejected");
                await RejectAsync(context, limit, crypto, reservation.Wait).ConfigureAwait(false);
                return;
            }

            if (reservation.Wait > TimeSpan.Zero)
            {
                _metrics.RateLimited(tenant, limit, "queued");
                await Task.Delay(reservation.Wait, _time, context.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                _metrics.RateLimited(tenant, limit, "allowed");
            }
        }
        finally
        {
            Interlocked.Decrement(ref waiting.Value);
        }

        await _next(context).ConfigureAwait(false);
    }

    private void Add(List<BucketRequest> buckets, List<int> scopes, int scope, RouteBudgets budgets, bool crypto, string tenant, string name)
    {
        if ((crypto ? budgets.Crypto : budgets.Admin) is { } budget)
        {
            var key = _keys.GetOrAdd((tenant, scope, name, crypto), static k => k.Scope == 0
                ? $"{k.Tenant}/tenant/{(k.Crypto ? "crypto" : "admin")}"
                : $"{k.Tenant}/{Scopes[k.Scope]}/{k.Name}/{(k.Crypto ? "crypto" : "admin")}");
            buckets.Add(new BucketRequest(key, budget.Rate, budget.Burst));
            scopes.Add(scope);
        }
    }

    private static Task RejectAsync(HttpContext context, string limit, bool crypto, TimeSpan wait)
    {
        // Whole seconds, rounded up: Retry-After has no fractions, and an early retry would only be refused again.
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = crypto ? "crypto" : "admin";
        return KesResults.WriteErrorAsync(
            context,
            new KesError(StatusCodes.Status429TooManyRequests, $"too many requests: the {limit}'s {what} budget is spent; retry after {seconds}s"));
    }

    private sealed class StrongBox
    {
        public int Value;
    }
}

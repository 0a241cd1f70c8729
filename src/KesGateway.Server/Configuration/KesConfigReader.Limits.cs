using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace KesGateway.Server.Configuration;

/// <summary>The <c>limits</c> section (top level and <c>tenants.&lt;name&gt;</c>) and <c>gateway.redis</c>, KesGateway extensions.</summary>
/// <remarks>
/// Unlike the KES sections, these sections are closed: an unknown key is an error, because a misspelt budget that were
/// silently ignored would leave the tenant unlimited without a word.
/// </remarks>
internal sealed partial class KesConfigReader
{
    private const string RateHelp =
        "Write requests per second as a positive number (e.g. 500 or 0.5), or with a unit: 100/s, 6000/m or 360000/h";

    private const string RouteClassHelp =
        "Use crypto (generate, encrypt, decrypt, bulk decrypt and hmac) or admin (every other route)";

    private const string RedisEndpointHelp =
        "Write host:port, several comma-separated for a replicated set, e.g. 'endpoint: 10.0.0.5:6379' or 'endpoint: redis-1:6379,redis-2:6379'";

    private const int MaxRedisPrefixLength = 64;

    // The slowest rate the units can say: one request per hour. Slower ones would only overflow the bucket arithmetic.
    private const double MinRate = 1.0 / 3600;

    private static readonly string[] LimitsKeys = ["tenant", "identity", "policy", "queue", "keystore"];
    private static readonly string[] RouteClasses = ["crypto", "admin"];
    private static readonly string[] BudgetKeys = ["rate", "burst"];
    private static readonly string[] QueueKeys = ["size", "timeout"];
    private static readonly string[] LimitsKeyStoreKeys = ["concurrency"];
    private static readonly string[] RedisKeys = ["endpoint", "user", "password", "tls", "prefix", "timeout"];

    private RateLimitConfig ReadLimits(ConfigNode section, ImmutableArray<PolicyConfig> policies)
    {
        var defaults = new RateLimitConfig();
        if (section.IsNull)
        {
            return defaults;
        }

        CheckKeys(section, LimitsKeys);
        var queue = section["queue"];
        CheckKeys(queue, QueueKeys);
        var keyStore = section["keystore"];
        CheckKeys(keyStore, LimitsKeyStoreKeys);
        return new RateLimitConfig
        {
            Tenant = ReadRouteBudgets(section["tenant"]),
            Identity = ReadRouteBudgets(section["identity"]),
            Policies = ReadPolicyBudgets(section["policy"], policies),
            QueueSize = ReadCount(queue["size"], "queue size", "0 rejects a request over budget at once; the default is 128") ?? defaults.QueueSize,
            QueueTimeout = ReadNonNegative(queue["timeout"], "invalid queue timeout") ?? defaults.QueueTimeout,
            KeyStoreConcurrency = ReadCount(keyStore["concurrency"], "keystore concurrency", "0 sets no cap; the default is 16") ?? defaults.KeyStoreConcurrency,
        };
    }

    private ImmutableDictionary<string, RouteBudgets> ReadPolicyBudgets(ConfigNode section, ImmutableArray<PolicyConfig> policies)
    {
        var budgets = ImmutableDictionary.CreateBuilder<string, RouteBudgets>(StringComparer.Ordinal);
        foreach (var (name, body) in section.Entries())
        {
            if (!policies.Any(p => p.Name == name))
            {
                var policyField = section.Field[..^"limits.policy".Length] + "policy";
                var fix = policies.IsEmpty
                    ? $"This tenant has no policies; define '{name}' under {policyField} or remove the budget"
                    : $"{Suggest(name, policies.Select(p => p.Name))}Name one of the policies under {policyField}: {string.Join(", ", policies.Select(p => p.Name))}";
                throw _source.Error(body.Field, body.Line, $"policy '{name}' is not defined", fix);
            }

            var budget = ReadRouteBudgets(body);
            if (!budget.IsNone)
            {
                budgets.Add(name, budget);
            }
        }

        return budgets.ToImmutable();
    }

    private RouteBudgets ReadRouteBudgets(ConfigNode section)
    {
        if (section.IsNull)
        {
            return RouteBudgets.None;
        }

        if (section.Node is not YamlMappingNode)
        {
            throw _source.Error(
                section.Field,
                section.Line,
                "expected the budgets of the route classes, found a single value or a list",
                "Write e.g. 'crypto: {rate: 500, burst: 1000}' and 'admin: {rate: 50}' below it");
        }

        foreach (var (key, body) in section.Entries())
        {
            if (!RouteClasses.Contains(key, StringComparer.Ordinal))
            {
                throw _source.Error(body.Field, body.Line, $"unknown route class '{key}'", RouteClassHelp);
            }
        }

        return new RouteBudgets(ReadBudget(section["crypto"]), ReadBudget(section["admin"]));
    }

    private Budget? ReadBudget(ConfigNode section)
    {
        if (section.IsNull)
        {
            return null;
        }

        if (section.Node is not YamlMappingNode)
        {
            throw _source.Error(
                section.Field,
                section.Line,
                $"expected a budget, found {(section.Node is YamlSequenceNode ? "a list" : $"'{section.Literal()}'")}",
                "Write the rate and, optionally, the burst, e.g. '{rate: 500}' or '{rate: 500, burst: 1000}'");
        }

        CheckKeys(section, BudgetKeys);
        var rateNode = section["rate"];
        var rate = ReadRate(rateNode)
            ?? throw _source.Error(rateNode.Field, rateNode.Line, "no rate", $"Set {rateNode.Field} to the requests per second the budget allows, e.g. 'rate: 500' (or 6000/m)");

        var burstNode = section["burst"];
        var burstText = burstNode.Text()?.Trim();
        if (string.IsNullOrEmpty(burstText))
        {
            return new Budget(rate, DefaultBurst(rate));
        }

        if (!int.TryParse(burstText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var burst) || burst < 1)
        {
            var smallest = DefaultBurst(rate);
            throw _source.Error(
                burstNode.Field,
                burstNode.Line,
                $"invalid burst '{burstText}'",
                $"Write a whole number of requests of 1 or more (up to {int.MaxValue}), e.g. 'burst: {smallest}', the default for this rate; leave it out for that default");
        }

        return new Budget(rate, burst);
    }

    // Requests per second from "500", "0.5", "100/s", "6000/m" or "360000/h".
    private double? ReadRate(ConfigNode node)
    {
        var text = node.Text()?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? text : text[..slash].TrimEnd();
        var unit = slash < 0 ? "s" : text[(slash + 1)..].Trim();
        var seconds = unit switch
        {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => throw _source.Error(node.Field, node.Line, $"invalid rate '{text}': unknown unit '/{unit}'", RateHelp),
        };

        if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var count)
            || !double.IsFinite(count))
        {
            throw _source.Error(node.Field, node.Line, $"invalid rate '{text}'", RateHelp);
        }

        if (count <= 0)
        {
            throw _source.Error(
                node.Field,
                node.Line,
                $"invalid rate '{text}': a budget must allow some requests",
                "Write a rate above 0 (e.g. 0.5 or 30/m); to set no budget for this route class, remove it");
        }

        var rate = count / seconds;
        if (rate < MinRate * (1 - 1e-9))
        {
            throw _source.Error(node.Field, node.Line, $"invalid rate '{text}': below one request per hour", "Write a rate of 1/h or more");
        }

        return rate;
    }

    private int? ReadCount(ConfigNode node, string what, string meaning)
    {
        var text = node.Text()?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw _source.Error(node.Field, node.Line, $"invalid {what} '{text}'", $"Write a whole number of 0 or more; {meaning}");
        }

        return value;
    }

    private RedisConfig? ReadRedis(ConfigNode section)
    {
        if (section.IsNull)
        {
            return null;
        }

        CheckKeys(section, RedisKeys);
        var endpointNode = section["endpoint"];
        var endpoint = endpointNode.Text()?.Trim();
        if (string.IsNullOrEmpty(endpoint))
        {
            throw _source.Error(endpointNode.Field, endpointNode.Line, "no Redis endpoint", $"Set {endpointNode.Field}, or remove {section.Field} to keep every replica's budgets its own. " + RedisEndpointHelp);
        }

        var endpoints = new List<string>();
        foreach (var part in endpoint.Split(','))
        {
            var address = ReadRedisAddress(endpointNode, part.Trim());
            if (endpoints.Contains(address, StringComparer.OrdinalIgnoreCase))
            {
                throw _source.Error(endpointNode.Field, endpointNode.Line, $"Redis endpoint '{address}' is listed twice", "Remove the repeated entry");
            }

            endpoints.Add(address);
        }

        var prefixNode = section["prefix"];
        var prefix = NullIfEmpty(prefixNode.Text()?.Trim());
        if (prefix is not null && (prefix.Length > MaxRedisPrefixLength || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' or '-')))
        {
            throw _source.Error(
                prefixNode.Field,
                prefixNode.Line,
                $"invalid Redis key prefix '{prefix}'",
                "Use 1-64 characters of A-Z a-z 0-9 _ : - (default kesgw); gateways that share one Redis need different prefixes only to keep their budgets apart");
        }

        var timeoutNode = section["timeout"];
        var timeout = timeoutNode.Duration();
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw _source.Error(
                timeoutNode.Field,
                timeoutNode.Line,
                $"invalid Redis timeout '{timeoutNode.Text()}'",
                "Use a duration above 0s, e.g. 250ms (the default): a slower Redis call gives way to the replica's own budgets");
        }

        var defaults = new RedisConfig { Endpoint = string.Empty };
        return defaults with
        {
            Endpoint = string.Join(',', endpoints),
            User = NullIfEmpty(section["user"].Text()),
            Password = NullIfEmpty(section["password"].Text()),
            Tls = section["tls"].Boolean() ?? false,
            Prefix = prefix ?? defaults.Prefix,
            Timeout = timeout ?? defaults.Timeout,
        };
    }

    private string ReadRedisAddress(ConfigNode node, string address)
    {
        if (address.Length == 0)
        {
            throw _source.Error(node.Field, node.Line, "empty Redis endpoint", RedisEndpointHelp);
        }

        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var tls = address.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase) ? " and set tls: true" : string.Empty;
            throw _source.Error(node.Field, node.Line, $"Redis endpoint '{address}' is a URL", $"Write only host:port, e.g. '{address[(scheme + 3)..].TrimEnd('/')}'{tls}");
        }

        var colon = address.LastIndexOf(':');
        var host = colon < 0 ? address : address[..colon];
        var hostOk = host.StartsWith('[') && host.EndsWith(']')
            ? IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
            : host.Length > 0 && !host.Contains(':', StringComparison.Ordinal) && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;
        if (colon < 0 || !hostOk
            || !ushort.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            var fix = colon < 0 && hostOk ? $"Add the port, e.g. '{address}:6379'" : RedisEndpointHelp + " (an IPv6 address in brackets: [::1]:6379)";
            throw _source.Error(node.Field, node.Line, $"invalid Redis endpoint '{address}'", fix);
        }

        return address;
    }

    private void WarnUnusedRedis(RedisConfig? redis, ConfigNode section, RateLimitConfig limits, ImmutableArray<TenantConfig> tenants)
    {
        if (redis is not null && !limits.HasBudgets && !tenants.Any(t => t.Limits.HasBudgets))
        {
            _source.Warn(
                section.Field,
                section.Line,
                "Redis is unused: no tenant sets a rate-limit budget (limits.tenant, limits.identity or limits.policy); add budgets or remove gateway.redis");
        }
    }

    // The sections read here are closed: a key they do not know is a typo, not a KES field to ignore.
    private void CheckKeys(ConfigNode section, string[] known)
    {
        foreach (var (key, body) in section.Entries())
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                throw _source.Error(
                    body.Field,
                    body.Line,
                    $"unknown field '{key}'",
                    $"{Suggest(key, known)}{section.Field} takes {string.Join(", ", known)}");
            }
        }
    }

    private static string Suggest(string name, IEnumerable<string> known)
    {
        var closest = known.MinBy(k => EditDistance(k.ToUpperInvariant(), name.ToUpperInvariant()));
        return closest is not null && EditDistance(closest.ToUpperInvariant(), name.ToUpperInvariant()) <= Math.Max(2, name.Length / 3)
            ? $"Did you mean '{closest}'? "
            : string.Empty;
    }

    private static int DefaultBurst(double rate) => (int)Math.Clamp(Math.Ceiling(rate), 1, int.MaxValue);
}

using System.Net;
using System.Text;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>
/// A scripted Vault: records every request and answers from rules (newest first) with canned Vault answers
/// (vault-compat §9, §11.4). Without a matching rule, logins succeed with token <c>hvs.A</c> (1 h, renewable),
/// <c>sys/health</c> reports an active unsealed node, and everything else is Vault's "absent" <c>404 {"errors":[]}</c>.
/// </summary>
internal sealed class ScriptedVaultHandler : HttpMessageHandler
{
    public const string LoginToken = "hvs.A";

    private readonly Lock _lock = new();
    private readonly List<Rule> _rules = [];
    private readonly List<Recorded> _requests = [];
    private readonly TimeProvider _clock;

    public ScriptedVaultHandler(TimeProvider clock)
    {
        _clock = clock;
    }

    public IReadOnlyList<Recorded> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Requests other than logins and the seal checks of <c>sys/health</c>.</summary>
    public IReadOnlyList<Recorded> Calls => [.. Requests.Where(r => !r.Path.EndsWith("/sys/health", StringComparison.Ordinal) && !r.Path.EndsWith("/login", StringComparison.Ordinal))];

    /// <summary>The login requests.</summary>
    public IReadOnlyList<Recorded> Logins => [.. Requests.Where(r => r.Path.EndsWith("/login", StringComparison.Ordinal))];

    public IReadOnlyList<Recorded> To(string path) => [.. Requests.Where(r => r.Path == path)];

    /// <summary>Answers <paramref name="method"/> on <paramref name="path"/> (e.g. <c>/v1/kv/my-key</c>) for the next
    /// <paramref name="times"/> requests; the newest matching rule wins, so add the general answer first.</summary>
    public void On(string method, string path, Func<Recorded, HttpResponseMessage> respond, int times = int.MaxValue) =>
        On(r => r.Method == method && r.Path == path, respond, times);

    public void On(string method, string path, int status, string? json, int times = int.MaxValue) =>
        On(method, path, _ => Answer(status, json), times);

    public void On(Func<Recorded, bool> match, Func<Recorded, HttpResponseMessage> respond, int times = int.MaxValue)
    {
        lock (_lock)
        {
            _rules.Insert(0, new Rule(match, respond, times));
        }
    }

    public static HttpResponseMessage Answer(int status, string? json, string mediaType = "application/json")
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        response.Content = json is null ? new ByteArrayContent([]) : new StringContent(json, Encoding.UTF8, mediaType);
        return response;
    }

    public static string Token(string token, int ttl = 3600, bool renewable = true) =>
        $$"""{"request_id":"1c7a","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":null,"auth":{"client_token":"{{token}}","accessor":"acc","policies":["default","kes"],"token_policies":["default","kes"],"metadata":{"role_name":"kes"},"lease_duration":{{ttl}},"renewable":{{(renewable ? "true" : "false")}},"entity_id":"e","token_type":"service","orphan":true,"num_uses":0},"mount_type":"approle"}""";

    public static string Health(bool initialized = true, bool @sealed = false, bool standby = false) =>
        $$"""{"initialized":{{Bool(initialized)}},"sealed":{{Bool(@sealed)}},"standby":{{Bool(standby)}},"performance_standby":false,"replication_performance_mode":"disabled","replication_dr_mode":"disabled","server_time_utc":1738230113,"version":"1.15.6","enterprise":false}""";

    /// <summary>Waits (in real time, bounded) until <paramref name="count"/> requests match.</summary>
    public async Task<Recorded> WaitForAsync(Func<Recorded, bool> match, int count = 1)
    {
        await Until(() => Requests.Count(match) >= count, $"{count} matching request(s); saw: {string.Join(", ", Requests.Select(r => r.Method + " " + r.Path))}");
        return Requests.Where(match).ElementAt(count - 1);
    }

    public static async Task Until(Func<bool> condition, string what = "condition")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(2);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new Recorded(request.Method.Method, request.RequestUri!, headers, body, request.Content?.Headers.ContentType?.ToString(), _clock.GetUtcNow());
        Rule? rule;
        lock (_lock)
        {
            _requests.Add(recorded);
            rule = _rules.FirstOrDefault(r => r.Remaining > 0 && r.Match(recorded));
            if (rule is not null)
            {
                rule.Remaining--;
            }
        }

        if (rule is not null)
        {
            return rule.Respond(recorded);
        }

        return recorded.Path switch
        {
            "/v1/sys/health" => Answer(200, Health()),
            _ when recorded.Path.EndsWith("/login", StringComparison.Ordinal) => Answer(200, Token(LoginToken)),
            _ => Answer(404, """{"errors":[]}"""),
        };
    }

    private static string Bool(bool value) => value ? "true" : "false";

    internal sealed record Recorded(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body, string? ContentType, DateTimeOffset At)
    {
        public string Path => Uri.AbsolutePath;

        public string Query => Uri.Query.TrimStart('?');

        public string? Token => Headers.TryGetValue("X-Vault-Token", out var value) ? value : null;

        public string? Namespace => Headers.TryGetValue("X-Vault-Namespace", out var value) ? value : null;

        public override string ToString() => $"{Method} {Uri.PathAndQuery} ns={Namespace} token={Token} {Body}";
    }

    private sealed class Rule(Func<Recorded, bool> match, Func<Recorded, HttpResponseMessage> respond, int remaining)
    {
        public Func<Recorded, bool> Match { get; } = match;

        public Func<Recorded, HttpResponseMessage> Respond { get; } = respond;

        public int Remaining { get; set; } = remaining;
    }
}

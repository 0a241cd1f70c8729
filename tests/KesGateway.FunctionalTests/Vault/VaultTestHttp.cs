using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>
/// Raw HTTP to the double, shaped like the Go SDK: X-Vault-Request, X-Vault-Token, X-Vault-Namespace, and JSON bodies
/// without a Content-Type.
/// </summary>
internal sealed class VaultTestHttp : IDisposable
{
    private readonly HttpClient _client;

    public VaultTestHttp(VaultDouble vault, X509Certificate2? clientCertificate = null) => _client = vault.CreateClient(clientCertificate);

    /// <summary>Gets or sets the token sent when a call passes none; null = no header.</summary>
    public string? Token { get; set; }

    /// <summary>Gets or sets the namespace sent when a call passes none; null = no header.</summary>
    public string? Namespace { get; set; }

    public HttpClient Client => _client;

    /// <summary>Sends one request. <paramref name="token"/> / <paramref name="ns"/>: null = the defaults, "" = no header.</summary>
    public Task<VaultAnswer> SendAsync(string method, string path, string? body = null, string? token = null, string? ns = null, string? contentType = null) =>
        SendUntilAsync(method, path, body, token, ns, contentType, TestContext.Current.CancellationToken);

    /// <summary>Like <see cref="SendAsync"/>, cancelled by <paramref name="cancellationToken"/>.</summary>
    public async Task<VaultAnswer> SendUntilAsync(string method, string path, string? body, string? token, string? ns, string? contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/v1/" + path.TrimStart('/'));
        request.Headers.Add("X-Vault-Request", "true");
        if ((token ?? Token) is { Length: > 0 } t)
        {
            request.Headers.Add("X-Vault-Token", t);
        }

        if ((ns ?? Namespace) is { Length: > 0 } n)
        {
            request.Headers.Add("X-Vault-Namespace", n);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        using var response = await _client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new VaultAnswer((int)response.StatusCode, text, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    public Task<VaultAnswer> GetAsync(string path, string? token = null, string? ns = null) => SendAsync("GET", path, null, token, ns);

    public Task<VaultAnswer> PutAsync(string path, string body, string? token = null, string? ns = null) => SendAsync("PUT", path, body, token, ns);

    public Task<VaultAnswer> PostAsync(string path, string body, string? token = null, string? ns = null) => SendAsync("POST", path, body, token, ns);

    public Task<VaultAnswer> DeleteAsync(string path, string? token = null, string? ns = null) => SendAsync("DELETE", path, null, token, ns);

    public Task<VaultAnswer> ListAsync(string path, string? token = null, string? ns = null) => SendAsync("LIST", path, null, token, ns);

    /// <summary>AppRole login; returns the client token (asserting 200).</summary>
    public async Task<string> LoginAsync(string roleId, string secretId, string mount = "approle", string? ns = null)
    {
        var answer = await PutAsync($"auth/{mount}/login", $$"""{"role_id":"{{roleId}}","secret_id":"{{secretId}}"}""", token: string.Empty, ns: ns);
        Assert.True(answer.Status == 200, answer.ToString());
        return answer.Json!["auth"]!["client_token"]!.GetValue<string>();
    }

    public void Dispose() => _client.Dispose();
}

using System.Net.Http.Json;

namespace KesGateway.FunctionalTests.Server;

/// <summary>Short ways to call the KES API in tests.</summary>
internal static class KesHttp
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, object? body) =>
        http.PostAsync(new Uri(path, UriKind.Relative), body is null ? null : JsonContent.Create(body), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, string body) =>
        http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> GetPathAsync(this HttpClient http, string path) =>
        http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> DeletePathAsync(this HttpClient http, string path) =>
        http.DeleteAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public static Task<string> BodyAsync(this HttpResponseMessage response) =>
        response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

    public static async Task<System.Text.Json.JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.BodyAsync()}");
        return System.Text.Json.JsonDocument.Parse(await response.BodyAsync()).RootElement.Clone();
    }
}

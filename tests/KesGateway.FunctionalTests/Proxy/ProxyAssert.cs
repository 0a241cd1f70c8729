using System.Net;
using System.Text.Json;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>Assertions on the gateway's own answers.</summary>
internal static class ProxyAssert
{
    /// <summary>Asserts a KES-shaped error: the status, <c>application/json</c>, and <c>{"message":"…"}</c> alone.</summary>
    /// <returns>The message.</returns>
    public static async Task<string> KesErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var property = Assert.Single(json.RootElement.EnumerateObject());
        Assert.Equal("message", property.Name);
        return property.Value.GetString()!;
    }

    /// <summary>Waits for <paramref name="task"/>, failing with <paramref name="what"/> when it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task WithinAsync(Task task, TimeSpan timeout, string what, Func<string>? context = null)
    {
        try
        {
            await task.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not happen within {timeout.TotalSeconds:0.#}s{(context is null ? string.Empty : "; " + context())}");
        }
    }
}

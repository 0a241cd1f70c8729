using System.Text.Json;
using KesGateway.Core.Policy;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Policy;

public class PolicySetTests
{
    private const string Admin = "3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22";
    private const string App = "0426fa9a04bc2756b92fbe8a97e1a1e07b53ecf04ed33da22c33e5c9faeb8cbb";

    public static TheoryData<string, string[], string[], string, bool> VerifyVectors()
    {
        var data = new TheoryData<string, string[], string[], string, bool>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "policies.json")));
        foreach (var entry in doc.RootElement.GetProperty("verify").EnumerateArray())
        {
            var allow = entry.GetProperty("allow").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var deny = entry.GetProperty("deny").EnumerateArray().Select(e => e.GetString()!).ToArray();
            foreach (var request in entry.GetProperty("requests").EnumerateObject())
            {
                data.Add(entry.GetProperty("id").GetString()!, allow, deny, request.Name, request.Value.GetBoolean());
            }
        }

        Assert.NotEmpty(data);
        return data;
    }

    [Theory]
    [MemberData(nameof(VerifyVectors))]
    public void Authorize_PolicyVector_MatchesKes(string id, string[] allow, string[] deny, string path, bool expected)
    {
        var sut = CreateSut(new KesPolicy("p", allow, deny, [App]));

        var decision = sut.Authorize(App, path);

        Assert.True(expected == decision.IsAllowed, $"{id}: {path}");
    }

    [Fact]
    public void Authorize_Admin_BypassesDenyRules()
    {
        var sut = CreateSut(new KesPolicy("p", [], ["/v1/*"], [App]));

        var decision = sut.Authorize(Admin, "/v1/key/create/k");

        Assert.Equal(PolicyOutcome.Admin, decision.Outcome);
        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public void Authorize_DenyAndAllowBothMatch_DenyWinsAndNamesThePattern()
    {
        var sut = CreateSut(new KesPolicy("minio", ["/v1/key/*"], ["/v1/key/delete/*"], [App]));

        var decision = sut.Authorize(App, "/v1/key/delete/k1");

        Assert.Equal(new PolicyDecision(PolicyOutcome.Denied, "minio", "/v1/key/delete/*"), decision);
    }

    [Fact]
    public void Authorize_UnknownIdentity_IsRefused()
    {
        var sut = CreateSut(new KesPolicy("p", ["/v1/*"], [], [App]));

        var decision = sut.Authorize(App.ToUpperInvariant(), "/v1/status");

        Assert.Equal(PolicyOutcome.UnknownIdentity, decision.Outcome);
        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void Create_IdentityInTwoPolicies_FailsNamingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => CreateSut(
            new KesPolicy("a", [], [], [App]),
            new KesPolicy("b", [], [], [App])));

        Assert.Contains("cannot assign policy 'b'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AdminInPolicy_Fails()
    {
        var ex = Assert.Throws<ArgumentException>(() => CreateSut(new KesPolicy("a", [], [], [Admin])));

        Assert.Contains("is already admin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_AreSortedOrdinally()
    {
        var sut = CreateSut(new KesPolicy("b", [], [], []), new KesPolicy("B", [], [], []), new KesPolicy("a", [], [], []));

        Assert.Equal(["B", "a", "b"], sut.Names);
    }

    [Theory]
    [InlineData("/v1/key/*/my-key", true)]
    [InlineData("/v1/key/create/my?", true)]
    [InlineData("/v1/key/create/[ab]", true)]
    [InlineData("/v1/key/create/*", false)]
    [InlineData("/v1/status", false)]
    public void LooksLikeGlob_FlagsPatternsOldKesTreatedAsGlobs(string pattern, bool expected) =>
        Assert.Equal(expected, PathPattern.LooksLikeGlob(pattern));

    private static PolicySet CreateSut(params KesPolicy[] policies) =>
        PolicySet.Create(Admin, policies, DateTimeOffset.UnixEpoch);
}

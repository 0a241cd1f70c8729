using System.Text.Json;
using KesGateway.Core.Protocol;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Protocol;

public class KesNamesTests
{
    public static TheoryData<string, bool> Vectors(string section)
    {
        var data = new TheoryData<string, bool>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "names.json")));
        foreach (var entry in doc.RootElement.GetProperty(section).EnumerateArray())
        {
            data.Add(entry.GetProperty("input").GetString()!, entry.GetProperty("valid").GetBoolean());
        }

        Assert.NotEmpty(data);
        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors), "valid_name")]
    [InlineData("-abc", false)]
    [InlineData("abc-", false)]
    [InlineData("_", false)]
    [InlineData("a\0b", false)]
    [InlineData("..", false)]
    public void IsValidName_Vector_MatchesKes(string input, bool valid) =>
        Assert.Equal(valid, KesNames.IsValidName(input));

    [Theory]
    [MemberData(nameof(Vectors), "valid_pattern")]
    [InlineData("-*", false)]
    [InlineData("a*b", false)]
    public void IsValidPattern_Vector_MatchesKes(string input, bool valid) =>
        Assert.Equal(valid, KesNames.IsValidPattern(input));

    [Fact]
    public void IsValidName_EightyOneCharacters_IsInvalid()
    {
        Assert.True(KesNames.IsValidName(new string('a', 80)));
        Assert.False(KesNames.IsValidName(new string('a', 81)));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("*", "")]
    [InlineData("my-*", "my-")]
    [InlineData("my-key", "my-key")]
    public void PatternToPrefix_DropsOneTrailingStar(string pattern, string prefix) =>
        Assert.Equal(prefix, KesNames.PatternToPrefix(pattern));
}

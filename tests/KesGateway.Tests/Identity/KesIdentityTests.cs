using KesGateway.Core.Identity;

namespace KesGateway.Tests.Identity;

public class KesIdentityTests
{
    private const string Valid = "3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22";

    [Theory]
    [InlineData(Valid, true)]
    [InlineData("3ECFCDF38FCBE141AE26A1030F81E96B753365A46760AE6B578698A97C59FD22", false)]
    [InlineData("3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd2", false)]
    [InlineData("3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22a", false)]
    [InlineData("gecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22", false)]
    [InlineData("disabled", false)]
    [InlineData("", false)]
    public void IsValid_Text_ReportsLowercaseHex64(string text, bool valid)
    {
        Assert.Equal(valid, new KesIdentity(text).IsValid);
    }

    [Fact]
    public void Equals_DifferentCase_IsNotEqual()
    {
        var lower = new KesIdentity(Valid);
        var upper = new KesIdentity(Valid.ToUpperInvariant());

        Assert.NotEqual(lower, upper);
        Assert.False(lower == upper);
        Assert.True(lower != upper);
    }

    [Fact]
    public void Equals_SameText_IsEqualWithSameHash()
    {
        var a = new KesIdentity(Valid);
        var b = new KesIdentity(string.Concat(Valid.AsSpan(0, 10), Valid.AsSpan(10)));

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals((object)b));
    }

    [Fact]
    public void Default_IsUnknownAndEmpty()
    {
        var unknown = KesIdentity.Unknown;

        Assert.True(unknown.IsUnknown);
        Assert.Equal(string.Empty, unknown.ToString());
        Assert.Equal(new KesIdentity(string.Empty), unknown);
        Assert.False(unknown.IsValid);
    }

    [Fact]
    public void ToString_ReturnsValue()
    {
        Assert.Equal(Valid, new KesIdentity(Valid).ToString());
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_Ed25519Spki_IsSha256Hex()
    {
        var spki = Convert.FromHexString("302a300506032b6570032100bce7ef7e567e6487fe084ab3ee223d6ce264c9967625abfecaafa9e5be5b04b1");

        Assert.Equal(Valid, KesIdentity.FromSubjectPublicKeyInfo(spki).Value);
    }

    [Fact]
    public void FromSha256_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => KesIdentity.FromSha256(new byte[31]));
    }
}

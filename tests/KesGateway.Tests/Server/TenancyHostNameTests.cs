using KesGateway.Server.Tenancy;

namespace KesGateway.Tests.Server;

/// <summary>The Host header's host part, read in place (a tenant is found by it on every request).</summary>
public sealed class TenancyHostNameTests
{
    [Theory]
    [InlineData("kms.a.test", "kms.a.test")]
    [InlineData("kms.a.test:7373", "kms.a.test")]
    [InlineData("127.0.0.1:7373", "127.0.0.1")]
    [InlineData("[::1]:7373", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("::1", "::1")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void HostName_OfHeader_IsTheHostPartAsHostStringGivesIt(string? header, string expected)
    {
        Assert.Equal(expected, TenancyMiddleware.HostName(header).ToString());
        if (!string.IsNullOrEmpty(header) && header != "::1")
        {
            Assert.Equal(new Microsoft.AspNetCore.Http.HostString(header).Host, TenancyMiddleware.HostName(header).ToString());
        }
    }
}

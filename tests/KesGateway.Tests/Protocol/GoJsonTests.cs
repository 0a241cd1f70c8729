using System.Text;
using System.Text.Json;
using KesGateway.Core.Protocol;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Protocol;

public class GoJsonTests
{
    public static TheoryData<string, string> ErrorVectors()
    {
        var data = new TheoryData<string, string>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "errors.json")));
        foreach (var entry in doc.RootElement.GetProperty("errors").EnumerateArray())
        {
            if (entry.GetProperty("content_type").GetString() == "application/json")
            {
                data.Add(entry.GetProperty("message").GetString()!, entry.GetProperty("exact_body").GetString()!);
            }
        }

        Assert.NotEmpty(data);
        return data;
    }

    [Theory]
    [MemberData(nameof(ErrorVectors))]
    public void ErrorBody_Vector_IsByteExact(string message, string exactBody) =>
        Assert.Equal(exactBody, Encoding.UTF8.GetString(GoJson.ErrorBody(message)));

    [Theory]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("\u0001\b\f\n\r\t", "\"\\u0001\\u0008\\u000c\\n\\r\\t\"")]
    [InlineData("\u2028\u2029", "\"\\u2028\\u2029\"")]
    [InlineData("ünïcödé ☰", "\"ünïcödé ☰\"")]
    public void WriteString_EscapesAsGoDoes(string value, string expected)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        GoJson.WriteString(buffer, value);

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}

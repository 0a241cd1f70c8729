using System.Text;

namespace KesGateway.Core.Client;

/// <summary>Builds request paths as the Go SDK does: <c>api/url.PathEscape(argument)</c>.</summary>
internal static class KesPaths
{
    /// <summary>
    /// Joins <paramref name="api"/> and the escaped <paramref name="argument"/>. An empty argument yields
    /// <c>api/</c> directly (the SDK sends <c>api</c> and follows the server's 301 there); <c>.</c> and <c>..</c> are
    /// escaped so they reach the server as names (which it rejects) instead of being resolved as dot segments.
    /// </summary>
    public static string Join(string api, string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var escaped = argument switch
        {
            "." => "%2E",
            ".." => "%2E%2E",
            _ => PathEscape(argument),
        };
        return api + "/" + escaped;
    }

    /// <summary>Escapes a path segment like Go's <c>url.PathEscape</c>: UTF-8 bytes, uppercase hex.</summary>
    public static string PathEscape(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var bytes = Encoding.UTF8.GetBytes(segment);
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (IsUnescaped(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    // Go's shouldEscape(c, encodePathSegment) == false: unreserved characters, and the sub-delimiters a path segment
    // may carry literally ('/', ';', ',' and '?' are escaped).
    private static bool IsUnescaped(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~'
            or (byte)'$' or (byte)'&' or (byte)'+' or (byte)':' or (byte)'=' or (byte)'@';
}

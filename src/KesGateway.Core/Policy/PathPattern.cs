namespace KesGateway.Core.Policy;

/// <summary>KES policy pattern matching on the percent-decoded request path.</summary>
/// <remarks>
/// Since KES 2023-11 a pattern is a prefix when its last character is <c>*</c> (the match may cross <c>/</c>) and an
/// exact path otherwise; <c>*</c> anywhere else, <c>?</c> and <c>[</c> are literal characters. Older KES used
/// <c>path.Match</c> globs, so configs written for it may hold mid-path globs that now never match: see
/// <see cref="LooksLikeGlob"/>.
/// </remarks>
public static class PathPattern
{
    /// <summary>Reports whether <paramref name="pattern"/> matches <paramref name="path"/>.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> path)
    {
        if (pattern.IsEmpty)
        {
            return false;
        }

        return pattern[^1] == '*'
            ? path.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : path.SequenceEqual(pattern);
    }

    /// <summary>Reports whether <paramref name="pattern"/> uses glob syntax that current KES treats literally.</summary>
    public static bool LooksLikeGlob(ReadOnlySpan<char> pattern)
    {
        var body = pattern.EndsWith('*') ? pattern[..^1] : pattern;
        return body.IndexOfAny('*', '?', '[') >= 0;
    }
}

namespace KesGateway.Core.Protocol;

/// <summary>The rules KES applies to key, policy and identity names in URLs, and to listing patterns.</summary>
public static class KesNames
{
    /// <summary>The longest name or pattern KES accepts, in bytes.</summary>
    public const int MaxLength = 80;

    /// <summary>Reports whether <paramref name="name"/> is a valid key, policy or identity name.</summary>
    /// <remarks>1–80 characters of <c>0-9 A-Z a-z _ -</c>; <c>-</c> neither first nor last; <c>_</c> alone is invalid.</remarks>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength || name is "_")
        {
            return false;
        }

        var last = name.Length - 1;
        for (var i = 0; i < name.Length; i++)
        {
            if (!IsNameChar(name[i], i, last))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reports whether <paramref name="pattern"/> is a valid listing pattern.</summary>
    /// <remarks>As a name, but <c>*</c> may stand last and the empty pattern is valid (it lists everything).</remarks>
    public static bool IsValidPattern(ReadOnlySpan<char> pattern)
    {
        if (pattern is "*")
        {
            return true;
        }

        if (pattern.Length > MaxLength || pattern is "_")
        {
            return false;
        }

        var last = pattern.Length - 1;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (!IsNameChar(pattern[i], i, last) && !(pattern[i] == '*' && i == last))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Turns a valid listing pattern into the name prefix it selects: one trailing <c>*</c> is dropped.</summary>
    /// <remarks>KES passes <c>abc*</c> to the keystore literally, so it never matches; we strip the star as KES does for
    /// policies and identities (kes-compat §2.9).</remarks>
    public static string PatternToPrefix(string pattern) =>
        pattern.EndsWith('*') ? pattern[..^1] : pattern;

    private static bool IsNameChar(char c, int index, int last) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (c == '-' && index > 0 && index < last);
}

using System.Text;
using System.Text.RegularExpressions;

namespace KesGateway.Tests.Common.Vault;

/// <summary>One <c>path "…" { capabilities = […] }</c> block: a pattern with an optional trailing '*' glob and '+' segments.</summary>
internal sealed class VaultPolicyRule
{
    private readonly Regex _regex;
    private readonly Regex? _listRegex;

    public VaultPolicyRule(string pattern, VaultCapabilities capabilities)
    {
        Pattern = pattern;
        Capabilities = capabilities;
        var segments = pattern.Split('/');
        SegmentWildcards = segments.Count(s => s == "+");
        var firstPlus = IndexOfSegmentWildcard(pattern);
        var star = pattern.EndsWith('*') ? pattern.Length - 1 : -1;
        FirstWildcard = new[] { firstPlus, star }.Where(i => i >= 0).DefaultIfEmpty(int.MaxValue).Min();
        _regex = new Regex(ToRegex(pattern), RegexOptions.CultureInvariant);

        // Vault ≥ 1.15 (hashicorp/vault#23874): a '+' rule without a trailing slash also covers the
        // slash-terminated path a list operation is checked with.
        if (SegmentWildcards > 0 && !pattern.EndsWith('/') && !pattern.EndsWith('*'))
        {
            _listRegex = new Regex(ToRegex(pattern + "/"), RegexOptions.CultureInvariant);
        }
    }

    public string Pattern { get; }

    public VaultCapabilities Capabilities { get; }

    public bool IsGlob => Pattern.EndsWith('*');

    /// <summary>Gets the index of the first '+' segment or trailing '*'; int.MaxValue for an exact pattern.</summary>
    public int FirstWildcard { get; }

    public int SegmentWildcards { get; }

    public bool Matches(string path, VaultOperation operation) =>
        _regex.IsMatch(path) || (operation == VaultOperation.List && _listRegex?.IsMatch(path) == true);

    /// <summary>Vault's priority: later first wildcard, not a glob, fewer '+', longer, lexicographically larger.</summary>
    public static int ComparePriority(VaultPolicyRule a, VaultPolicyRule b)
    {
        if (a.FirstWildcard != b.FirstWildcard)
        {
            return a.FirstWildcard.CompareTo(b.FirstWildcard);
        }

        if (a.IsGlob != b.IsGlob)
        {
            return a.IsGlob ? -1 : 1;
        }

        if (a.SegmentWildcards != b.SegmentWildcards)
        {
            return b.SegmentWildcards.CompareTo(a.SegmentWildcards);
        }

        if (a.Pattern.Length != b.Pattern.Length)
        {
            return a.Pattern.Length.CompareTo(b.Pattern.Length);
        }

        return string.CompareOrdinal(a.Pattern, b.Pattern);
    }

    private static int IndexOfSegmentWildcard(string pattern)
    {
        var offset = 0;
        foreach (var segment in pattern.Split('/'))
        {
            if (segment == "+")
            {
                return offset;
            }

            offset += segment.Length + 1;
        }

        return -1;
    }

    private static string ToRegex(string pattern)
    {
        var glob = pattern.EndsWith('*');
        var body = glob ? pattern[..^1] : pattern;
        var builder = new StringBuilder("^");
        var segments = body.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('/');
            }

            builder.Append(segments[i] == "+" ? "[^/]*" : Regex.Escape(segments[i]));
        }

        builder.Append(glob ? ".*$" : "$");
        return builder.ToString();
    }
}

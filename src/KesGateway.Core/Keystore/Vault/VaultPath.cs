namespace KesGateway.Core.Keystore.Vault;

/// <summary>Vault API paths joined with Go's <c>path.Join</c> semantics: no empty, leading or trailing segments.</summary>
internal static class VaultPath
{
    /// <summary>Joins the non-empty segments of every part with single slashes, e.g. <c>("kv/", "", "/a//b")</c> → <c>kv/a/b</c>.</summary>
    public static string Join(params ReadOnlySpan<string?> parts)
    {
        var segments = new List<string>();
        foreach (var part in parts)
        {
            if (string.IsNullOrEmpty(part))
            {
                continue;
            }

            foreach (var segment in part.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (segment == ".")
                {
                    continue;
                }

                if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
                {
                    segments.RemoveAt(segments.Count - 1);
                    continue;
                }

                segments.Add(segment);
            }
        }

        return string.Join('/', segments);
    }
}

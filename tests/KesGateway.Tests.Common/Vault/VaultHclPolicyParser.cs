using System.Text;

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// Reads the subset of HCL that ACL policies use: <c>path "p" { capabilities = ["read", …] }</c> blocks, with
/// <c>#</c>, <c>//</c> and <c>/* */</c> comments. Other attributes and nested blocks inside a path block are skipped.
/// </summary>
internal static class VaultHclPolicyParser
{
    public static List<VaultPolicyRule> Parse(string text)
    {
        var tokens = Tokenize(text);
        var rules = new List<VaultPolicyRule>();
        var i = 0;
        while (i < tokens.Count)
        {
            Expect(tokens, i++, "path");
            var pattern = String(tokens, i++);
            Expect(tokens, i++, "{");
            var capabilities = VaultCapabilities.None;
            var depth = 1;
            while (depth > 0)
            {
                if (i >= tokens.Count)
                {
                    throw new FormatException($"policy: unterminated block for path \"{pattern}\"");
                }

                var token = tokens[i++];
                if (token.Value == "{" && !token.Quoted)
                {
                    depth++;
                }
                else if (token.Value == "}" && !token.Quoted)
                {
                    depth--;
                }
                else if (depth == 1 && !token.Quoted && token.Value == "capabilities")
                {
                    Expect(tokens, i++, "=");
                    Expect(tokens, i++, "[");
                    while (!(tokens[i].Value == "]" && !tokens[i].Quoted))
                    {
                        if (tokens[i].Value == "," && !tokens[i].Quoted)
                        {
                            i++;
                            continue;
                        }

                        capabilities |= Capability(String(tokens, i++));
                    }

                    i++;
                }
            }

            rules.Add(new VaultPolicyRule(pattern.TrimStart('/'), capabilities));
        }

        return rules;
    }

    private static VaultCapabilities Capability(string name) => name switch
    {
        "create" => VaultCapabilities.Create,
        "read" => VaultCapabilities.Read,
        "update" => VaultCapabilities.Update,
        "delete" => VaultCapabilities.Delete,
        "list" => VaultCapabilities.List,
        "patch" => VaultCapabilities.Patch,
        "sudo" => VaultCapabilities.Sudo,
        "deny" => VaultCapabilities.Deny,
        "subscribe" or "recover" => VaultCapabilities.None,
        _ => throw new FormatException($"policy: invalid capability \"{name}\""),
    };

    private static void Expect(List<(string Value, bool Quoted)> tokens, int index, string value)
    {
        if (index >= tokens.Count || tokens[index].Quoted || tokens[index].Value != value)
        {
            var found = index < tokens.Count ? tokens[index].Value : "end of text";
            throw new FormatException($"policy: expected '{value}', found '{found}'");
        }
    }

    private static string String(List<(string Value, bool Quoted)> tokens, int index) =>
        index < tokens.Count && tokens[index].Quoted
            ? tokens[index].Value
            : throw new FormatException("policy: expected a quoted string");

    private static List<(string Value, bool Quoted)> Tokenize(string text)
    {
        var tokens = new List<(string, bool)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else if (c == '"')
            {
                var builder = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    builder.Append(text[i++]);
                }

                i++;
                tokens.Add((builder.ToString(), true));
            }
            else if (c is '{' or '}' or '[' or ']' or '=' or ',')
            {
                tokens.Add((c.ToString(), false));
                i++;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('{' or '}' or '[' or ']' or '=' or ',' or '"'))
                {
                    i++;
                }

                tokens.Add((text[start..i], false));
            }
        }

        return tokens;
    }
}

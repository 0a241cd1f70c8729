using System.Globalization;
using KesGateway.Core.Protocol;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KesGateway.Server.Configuration;

/// <summary>A node of the YAML tree together with its dotted field name and line, read the way KES reads values.</summary>
/// <remarks>A missing node keeps its parent's line so that "X is required" errors still point somewhere useful.</remarks>
internal readonly struct ConfigNode
{
    private readonly ConfigSource _source;

    /// <summary>Creates a node; <paramref name="node"/> is <see langword="null"/> when the key is absent.</summary>
    public ConfigNode(ConfigSource source, YamlNode? node, string field, int line)
    {
        _source = source;
        Node = node;
        Field = field;
        Line = line;
    }

    /// <summary>Gets the YAML node, or <see langword="null"/> when the key is absent.</summary>
    public YamlNode? Node { get; }

    /// <summary>Gets the dotted field name, e.g. <c>policy.my-app.identities[0]</c>.</summary>
    public string Field { get; }

    /// <summary>Gets the line of the key naming this node (of the item, in a list), or of the nearest present parent.</summary>
    public int Line { get; }

    /// <summary>Gets a value indicating whether the key is present (even with an empty value).</summary>
    public bool Exists => Node is not null;

    /// <summary>Gets a value indicating whether the key is absent or has YAML's null (<c>key:</c>, <c>~</c>, <c>null</c>).</summary>
    public bool IsNull => Node is null || IsNullScalar(Node);

    /// <summary>Gets a value indicating whether every value below this node is null or an empty string (an unfilled template).</summary>
    public bool IsBlank => Node is null || IsBlankNode(Node);

    /// <summary>Gets the child under <paramref name="key"/>; this node must be a mapping or null.</summary>
    public ConfigNode this[string key]
    {
        get
        {
            if (IsNull)
            {
                return new ConfigNode(_source, null, Join(key), Line);
            }

            var mapping = Node as YamlMappingNode ?? throw Expected("a section of 'key: value' lines");
            foreach (var (k, v) in mapping.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && name == key)
                {
                    return new ConfigNode(_source, v, Join(key), LineOf(k));
                }
            }

            return new ConfigNode(_source, null, Join(key), Line);
        }
    }

    /// <summary>Gets the entries of a mapping in file order (empty when null), each with its key's name.</summary>
    public IReadOnlyList<(string Key, ConfigNode Value)> Entries()
    {
        if (IsNull)
        {
            return [];
        }

        var mapping = Node as YamlMappingNode ?? throw Expected("a section of 'key: value' lines");
        var entries = new List<(string, ConfigNode)>(mapping.Children.Count);
        foreach (var (k, v) in mapping.Children)
        {
            if (k is not YamlScalarNode { Value: { } name })
            {
                throw _source.Error(Field, LineOf(k), "a key must be a plain name", "Write each entry as 'name: value'");
            }

            entries.Add((name, new ConfigNode(_source, v, Join(name), LineOf(k))));
        }

        return entries;
    }

    /// <summary>Gets the items of a list (empty when null).</summary>
    public IReadOnlyList<ConfigNode> Items()
    {
        if (IsNull)
        {
            return [];
        }

        var sequence = Node as YamlSequenceNode ?? throw Expected("a list ('- item' lines)");
        var items = new List<ConfigNode>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            items.Add(new ConfigNode(_source, item, $"{Field}[{i}]", LineOf(item)));
        }

        return items;
    }

    /// <summary>Reads a single value, replacing a whole-value <c>${VAR}</c> with the variable; <see langword="null"/> when null.</summary>
    /// <exception cref="ConfigException">The node is not a single value, or the variable is not set.</exception>
    public string? Text() => Scalar(substitute: true, out _, out _);

    /// <summary>Reads a single value as written, without <c>${VAR}</c> substitution; <see langword="null"/> when null.</summary>
    public string? Literal() => Scalar(substitute: false, out _, out _);

    /// <summary>Reads a Go duration (<c>30s</c>, <c>5m0s</c>, <c>1h30m</c>); <see langword="null"/> when null.</summary>
    /// <remarks>Like KES (yaml.v3 refuses to decode an integer into a duration) a plain integer is rejected, even 0;
    /// a quoted or substituted <c>"0"</c> is a string and passes, as in Go.</remarks>
    public TimeSpan? Duration()
    {
        var text = Scalar(substitute: true, out var plain, out var substituted);
        if (text is null)
        {
            return null;
        }

        if (plain && !substituted && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw _source.Error(Field, Line, $"'{text}' is a plain number, not a duration", "Use a unit, e.g. 30s (or 0s to say zero)");
        }

        if (!GoDuration.TryParse(text, out var value, out var error))
        {
            throw _source.Error(Field, Line, $"invalid duration '{text}' ({error})", "Use a Go duration with a unit, e.g. 30s, 5m or 1h30m");
        }

        return value;
    }

    /// <summary>Reads a boolean: <c>true</c>/<c>false</c> and YAML 1.1's <c>yes/no/on/off/y/n</c>, in any case; <see langword="null"/> when null.</summary>
    public bool? Boolean()
    {
        var text = Text();
        return text?.ToUpperInvariant() switch
        {
            null => null,
            "TRUE" or "YES" or "Y" or "ON" => true,
            "FALSE" or "NO" or "N" or "OFF" => false,
            _ => throw _source.Error(Field, Line, $"invalid boolean '{text}'", "Use true or false"),
        };
    }

    private static bool IsNullScalar(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static bool IsBlankNode(YamlNode node) => node switch
    {
        YamlScalarNode scalar => IsNullScalar(scalar) || string.IsNullOrEmpty(scalar.Value),
        YamlMappingNode mapping => mapping.Children.Values.All(IsBlankNode),
        YamlSequenceNode sequence => sequence.Children.All(IsBlankNode),
        _ => false,
    };

    private static int LineOf(YamlNode node) => (int)Math.Min(node.Start.Line, int.MaxValue);

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a section of 'key: value' lines",
        YamlSequenceNode => "a list",
        _ => "a single value",
    };

    private string Join(string key) => Field.Length == 0 ? key : $"{Field}.{key}";

    private ConfigException Expected(string what) =>
        _source.Error(Field, Line, $"expected {what}, found {Describe(Node!)}", "Check the indentation and the '-' markers of this field");

    private string? Scalar(bool substitute, out bool plain, out bool substituted)
    {
        plain = false;
        substituted = false;
        if (IsNull)
        {
            return null;
        }

        if (Node is not YamlScalarNode scalar)
        {
            throw Expected("a single value");
        }

        plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        var value = scalar.Value ?? string.Empty;
        if (!substitute)
        {
            return value;
        }

        // KES: only a whole value of the form ${NAME} is a reference; whitespace around and inside the braces is allowed.
        var trimmed = value.Trim();
        if (!trimmed.StartsWith("${", StringComparison.Ordinal) || !trimmed.EndsWith('}'))
        {
            return value;
        }

        var name = trimmed[2..^1].Trim();
        var line = LineOf(scalar);
        substituted = true;
        return _source.Environment(name) ?? throw _source.Error(
            Field,
            line,
            $"referenced env. variable '{name}' in line '{line}' not found",
            $"Set {name} in the server's environment, or write the value itself");
    }
}

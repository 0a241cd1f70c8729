using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KesGateway.Server.Configuration;

/// <summary>Finds the first duplicate mapping key of a YAML document and explains it, naming both lines.</summary>
/// <remarks>
/// YamlDotNet's representation model stops at a duplicate with only the second line, so this pass walks the parser
/// events first. It also spots the usual cause in KES configs: a key indented one level too deep with an empty value
/// (the KES tutorial nests <c>my-app:</c> under <c>minio-server:</c>), which turns the next keys into duplicates of
/// its parent's. Syntax errors surface here as <see cref="YamlException"/>.
/// </remarks>
internal static class DuplicateKeyScanner
{
    /// <summary>Throws a <see cref="ConfigException"/> for the first duplicate key of the first document.</summary>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public static void Check(string yaml, ConfigSource source)
    {
        var parser = new Parser(new StringReader(yaml));
        var frames = new Stack<Frame>();
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            if (current is DocumentEnd)
            {
                return;
            }

            switch (current)
            {
                case MappingStart or SequenceStart:
                    frames.Push(new Frame(current is MappingStart, OnNode(frames, current, source)));
                    break;
                case MappingEnd or SequenceEnd:
                    frames.Pop();
                    break;
                case Scalar or AnchorAlias:
                    OnNode(frames, current, source);
                    break;
            }
        }
    }

    // Registers a node with the collection it belongs to and returns the dotted name of its position.
    private static string OnNode(Stack<Frame> frames, ParsingEvent node, ConfigSource source)
    {
        if (!frames.TryPeek(out var parent))
        {
            return string.Empty;
        }

        if (!parent.IsMapping)
        {
            return $"{parent.Field}[{parent.Index++}]";
        }

        if (!parent.ExpectingKey)
        {
            parent.ExpectingKey = true;
            if (parent.LastKey is { } owner)
            {
                owner.ValueIsNull = node is Scalar { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" };
            }

            return parent.LastKey is { } key ? Join(parent.Field, key.Name) : parent.Field;
        }

        parent.ExpectingKey = false;
        if (node is not Scalar scalar)
        {
            parent.LastKey = null;
            return parent.Field;
        }

        var line = (int)node.Start.Line;
        var entry = new KeyEntry(scalar.Value, line);
        if (parent.Keys.TryGetValue(scalar.Value, out var first))
        {
            throw Duplicate(frames, parent, entry, first, source);
        }

        parent.Keys.Add(scalar.Value, entry);
        parent.LastKey = entry;
        return parent.Field;
    }

    private static ConfigException Duplicate(Stack<Frame> frames, Frame mapping, KeyEntry duplicate, KeyEntry first, ConfigSource source)
    {
        var field = Join(mapping.Field, duplicate.Name);
        var what = $"duplicate key '{duplicate.Name}'; it is already defined at line {first.Line}";
        var fix = "Keep one of the two";

        // The frame below the mapping names it: e.g. the mapping is the value of 'minio-server' inside 'policy'.
        var owner = frames.Skip(1).FirstOrDefault();
        var previous = mapping.LastKey;
        if (owner is { IsMapping: true, LastKey: { } parentKey } && previous is { ValueIsNull: true } && previous.Line < duplicate.Line)
        {
            var kind = owner.Field == "policy" ? "policy" : "entry";
            fix = $"'{previous.Name}:' at line {previous.Line} is indented under '{parentKey.Name}:'; "
                + $"indent it like '{parentKey.Name}:' to make it a separate {kind}";
        }

        return source.Error(field, duplicate.Line, what, fix);
    }

    private static string Join(string field, string key) => field.Length == 0 ? key : $"{field}.{key}";

    private sealed class Frame(bool isMapping, string field)
    {
        public bool IsMapping { get; } = isMapping;

        public string Field { get; } = field;

        public Dictionary<string, KeyEntry> Keys { get; } = new(StringComparer.Ordinal);

        public bool ExpectingKey { get; set; } = true;

        public KeyEntry? LastKey { get; set; }

        public int Index { get; set; }
    }

    private sealed class KeyEntry(string name, int line)
    {
        public string Name { get; } = name;

        public int Line { get; } = line;

        public bool ValueIsNull { get; set; }
    }
}

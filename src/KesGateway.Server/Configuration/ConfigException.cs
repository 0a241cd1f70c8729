namespace KesGateway.Server.Configuration;

/// <summary>A <c>config.yml</c> that cannot be loaded; the message names the file, line and field and says how to fix it.</summary>
/// <remarks>Messages read <c>config.yml:12: policy.my-app.identities[0]: &lt;what is wrong&gt;. &lt;how to fix&gt;</c>;
/// they never contain secret values (passwords, AppRole secrets, tokens).</remarks>
public sealed class ConfigException : Exception
{
    /// <summary>Creates an exception without a location.</summary>
    public ConfigException()
    {
    }

    /// <summary>Creates an exception with a complete message and no location.</summary>
    public ConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a complete message, no location, and its cause.</summary>
    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception located in a file.</summary>
    /// <param name="source">The file name as the user gave it (e.g. <c>config.yml</c>).</param>
    /// <param name="field">The dotted field (e.g. <c>tls.auth</c>), or empty when the problem is not one field's.</param>
    /// <param name="line">The 1-based line, or 0 when unknown.</param>
    /// <param name="text">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ConfigException(string source, string field, int line, string text, Exception? innerException = null)
        : base(Format(source, field, line, text), innerException)
    {
        Field = field;
        Line = line;
    }

    /// <summary>Gets the dotted field the problem is in (e.g. <c>policy.my-app.identities[0]</c>); empty when not one field's.</summary>
    public string Field { get; } = string.Empty;

    /// <summary>Gets the 1-based line of the problem, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>Formats a located message the way every config error and warning reads.</summary>
    internal static string Format(string source, string field, int line, string text)
    {
        var location = line > 0 ? $"{source}:{line}:" : $"{source}:";
        return string.IsNullOrEmpty(field) ? $"{location} {text}" : $"{location} {field}: {text}";
    }
}

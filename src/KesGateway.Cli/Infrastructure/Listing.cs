using System.Text;
using KesGateway.Cli.Output;

namespace KesGateway.Cli.Infrastructure;

/// <summary>The listing commands' shared work: fetch names, sort them, print a header and one name per line, or a JSON array.</summary>
internal static class Listing
{
    /// <summary>Lists the keys matching <paramref name="pattern"/>; warns on stderr when the server returned one page only.</summary>
    public static async Task<IReadOnlyList<string>> KeysAsync(KesConnection connection, string pattern, TextWriter stderr, CancellationToken cancellationToken)
    {
        var response = await connection.CallAsync("failed to list keys", c => c.ListKeysAsync(pattern, cancellationToken));
        await WarnIfPagedAsync(stderr, "keys", response.ContinueAt);
        return Sorted(response.Names);
    }

    /// <summary>Lists the policies matching <paramref name="pattern"/>.</summary>
    public static async Task<IReadOnlyList<string>> PoliciesAsync(KesConnection connection, string pattern, TextWriter stderr, CancellationToken cancellationToken)
    {
        var response = await connection.CallAsync("failed to list policies", c => c.ListPoliciesAsync(pattern, cancellationToken));
        await WarnIfPagedAsync(stderr, "policies", response.ContinueAt);
        return Sorted(response.Names);
    }

    /// <summary>Lists the identities matching <paramref name="pattern"/>.</summary>
    public static async Task<IReadOnlyList<string>> IdentitiesAsync(KesConnection connection, string pattern, TextWriter stderr, CancellationToken cancellationToken)
    {
        var response = await connection.CallAsync("failed to list identities", c => c.ListIdentitiesAsync(pattern, cancellationToken));
        await WarnIfPagedAsync(stderr, "identities", response.ContinueAt);
        return Sorted(response.Identities);
    }

    /// <summary>Prints <paramref name="names"/>: a JSON array, or (when there are any) <paramref name="header"/> and one name per line.</summary>
    public static Task WriteAsync(TextWriter stdout, string header, IReadOnlyList<string> names, bool json)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(names);
        if (json)
        {
            return stdout.WriteAsync(System.Text.Json.JsonSerializer.Serialize(names, CliJsonContext.Relaxed.IReadOnlyListString) + "\n");
        }

        if (names.Count == 0)
        {
            return Task.CompletedTask;
        }

        var text = new StringBuilder().Append(header).Append('\n');
        foreach (var name in names)
        {
            text.Append(name).Append('\n');
        }

        return stdout.WriteAsync(text.ToString());
    }

    private static string[] Sorted(IReadOnlyList<string> names)
    {
        var sorted = names.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    // KES lists at most 1024 names per call and means "continue_at" as the next name, which its API cannot resume
    // from (a pattern is a prefix): say that the listing is incomplete rather than print a wrong second page.
    private static Task WarnIfPagedAsync(TextWriter stderr, string what, string? continueAt) =>
        string.IsNullOrEmpty(continueAt)
            ? Task.CompletedTask
            : stderr.WriteLineAsync($"Warning: the server returned one page of {what}; more follow from '{continueAt}' on. Narrow the pattern to see them");
}

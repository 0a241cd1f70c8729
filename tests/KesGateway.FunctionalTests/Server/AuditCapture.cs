using System.Text;

namespace KesGateway.FunctionalTests.Server;

/// <summary>Captures the server's audit lines; tests wait for a line instead of racing the write after the response.</summary>
/// <remarks>The server writes audit lines from a background writer after the response has gone out, so a test must
/// never read the capture right after a call: it waits for the text it expects.</remarks>
internal sealed class AuditCapture : TextWriter
{
    private readonly StringBuilder _text = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Append(new ReadOnlySpan<char>(in value));

    public override void Write(string? value) => Append(value);

    public override void Write(char[] buffer, int index, int count) => Append(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Append(buffer);

    public override void WriteLine(string? value) => Append(value + "\n");

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits until the captured text contains <paramref name="text"/>, and returns it all.</summary>
    public Task<string> WaitForAsync(string text) => WaitForAsync(text, this);

    /// <summary>Waits until the text of all <paramref name="captures"/> together contains <paramref name="text"/>, and returns it.</summary>
    public static async Task<string> WaitForAsync(string text, params AuditCapture[] captures)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            // Take the change signals before reading, so a line written in between still wakes us.
            var changed = captures.Select(c => c.Changed).ToArray();
            var current = string.Concat(captures.Select(c => c.ToString()));
            if (current.Contains(text, StringComparison.Ordinal))
            {
                return current;
            }

            await Task.WhenAny(changed).WaitAsync(timeout.Token);
        }
    }

    private Task Changed
    {
        get
        {
            lock (_text)
            {
                return _changed.Task;
            }
        }
    }

    private void Append(ReadOnlySpan<char> value)
    {
        TaskCompletionSource changed;
        lock (_text)
        {
            _text.Append(value);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}

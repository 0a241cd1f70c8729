using System.Text;

namespace KesGateway.FunctionalTests.Server;

/// <summary>Captures the server's audit lines; tests wait for a line instead of racing the write after the response.</summary>
internal sealed class AuditCapture : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly SemaphoreSlim _written = new(0);

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }

        _written.Release();
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }

        _written.Release();
    }

    public override void WriteLine(string? value) => Write(value + "\n");

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits until the captured text contains <paramref name="text"/>, and returns it all.</summary>
    public async Task<string> WaitForAsync(string text)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var current = ToString();
            if (current.Contains(text, StringComparison.Ordinal))
            {
                return current;
            }

            await _written.WaitAsync(timeout.Token);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _written.Dispose();
        }

        base.Dispose(disposing);
    }
}

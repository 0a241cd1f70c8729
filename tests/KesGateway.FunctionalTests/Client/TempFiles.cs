namespace KesGateway.FunctionalTests.Client;

/// <summary>A fresh directory per test for PEM files, removed afterwards.</summary>
internal sealed class TempFiles : IDisposable
{
    public TempFiles()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kesgw-client-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

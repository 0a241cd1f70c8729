using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KesGateway.Tests.Common.Redis;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port, without persistence; it can be killed and started
/// again on the same port, and is always killed on dispose.
/// </summary>
/// <remarks>
/// redis-server does not take port 0, so a free port is found by binding a socket to 127.0.0.1:0 and closing it; if
/// another process takes it in between, the start is tried again on a new port. When redis-server is not installed the
/// start fails with a message saying how to install it: tests that need Redis must not pass without it (CI installs it).
/// </remarks>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _executable;
    private readonly Lock _outputLock = new();
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServer(string executable, int port, string? password)
    {
        _executable = executable;
        Port = port;
        Password = password;
    }

    /// <summary>Gets the port the server listens on (the same after <see cref="StartAgainAsync"/>).</summary>
    public int Port { get; }

    /// <summary>Gets the <c>host:port</c> to connect to.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Gets the password the server requires, if any.</summary>
    public string? Password { get; }

    /// <summary>Gets a value indicating whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Gets everything the server printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Finds <c>redis-server</c> (the <c>KESGW_REDIS_SERVER</c> variable, else the PATH), or says how to install it.</summary>
    public static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable("KESGW_REDIS_SERVER");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"KESGW_REDIS_SERVER names '{configured}', which does not exist.");
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-server is not installed (not on PATH): the rate-limit tests need a real Redis. Install it with "
            + "'apt-get install -y redis-server' (.ci/run does this) or point KESGW_REDIS_SERVER at the binary.");
    }

    /// <summary>Starts a server on a free loopback port and waits until it answers PING.</summary>
    /// <param name="password">The password to require (<c>--requirepass</c>), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<RedisServer> StartAsync(string? password = null, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable();
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(executable, FreePort(), password);
            try
            {
                await server.StartProcessAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Another process took the port between our probe and redis-server's bind: try a new one.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kills the server at once (SIGKILL, no shutdown): clients see their connections drop.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"redis-server on port {Port} (pid {process.Id}) did not exit within {StopTimeout.TotalSeconds} s of SIGKILL.");
            }
        }
    }

    /// <summary>Starts the server again on the same port (empty: nothing was persisted) and waits until it answers.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"redis-server on port {Port} is still running.");
        }

        await KillAsync();
        await StartProcessAsync(cancellationToken);
    }

    /// <summary>Kills the server, whatever state it is in.</summary>
    public async ValueTask DisposeAsync() => await KillAsync();

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty,
            "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no", "--logfile", string.Empty,
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (Password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(Password);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, ready);
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"redis-server ({_executable}) did not start.");
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Exiting first (a taken port, a bad option) fails at once, with everything it printed.
            var exited = process.WaitForExitAsync(CancellationToken.None);
            if (await Task.WhenAny(ready.Task, exited).WaitAsync(StartTimeout, cancellationToken) == exited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited with code {process.ExitCode} before it was ready:\n{Output}");
            }

            await PingAsync(cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"redis-server on port {Port} was not ready within {StartTimeout.TotalSeconds} s:\n{Output}");
        }
    }

    private void OnLine(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    /// <summary>Sends PING over a raw connection: +PONG, or -NOAUTH when a password is required, means it is serving.</summary>
    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var reply = Encoding.ASCII.GetString(buffer, 0, read);
        if (!reply.StartsWith("+PONG", StringComparison.Ordinal) && !reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-server on port {Port} answered PING with '{reply.TrimEnd()}'.");
        }
    }
}

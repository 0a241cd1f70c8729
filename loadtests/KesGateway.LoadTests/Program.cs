using KesGateway.LoadTests;

return await LoadTestCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);

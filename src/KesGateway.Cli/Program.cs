using KesGateway.Cli;

return await KesCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);

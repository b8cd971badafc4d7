using KafkaDemos.Cli;

return await CliHost.RunAsync(CommandTree.Create(), args);

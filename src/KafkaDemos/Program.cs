using KafkaDemos;

return await CliHost.RunAsync(CommandTree.Create(), args);

using KafkaDemos;

return await CliHost.RunAsync(CommandTree.Create(), args);

/// <summary>
/// The entry point stays internal: ASP.NET Core's shared framework (the group's web page) would otherwise make
/// the top-level Program public, and every project that references demo.dll would meet a second Program.
/// </summary>
internal sealed partial class Program;

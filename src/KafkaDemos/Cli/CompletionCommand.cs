using System.CommandLine;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>
/// `demo completion bash|zsh|pwsh`: prints a shell script that asks the CLI itself for
/// completions through System.CommandLine's [suggest] directive, so completion always
/// matches the command tree and needs no global tool.
/// </summary>
public static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or pwsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "pwsh");
        var command = new Command("completion", """
            Print a tab-completion script for your shell.

            Examples:
              source <(./demo completion bash)          # bash, this session (add to ~/.bashrc to keep)
              source <(./demo completion zsh)           # zsh
              ./demo completion pwsh | Out-String | Invoke-Expression   # PowerShell
            """) { shell };
        command.SetAction(parse =>
        {
            Console.Out.Write(parse.GetValue(shell) switch
            {
                "bash" => Bash,
                "zsh" => Zsh,
                _ => PowerShell,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private const string Bash = """
        _demo_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _demo_complete demo ./demo

        """;

    private const string Zsh = """
        _demo_complete() {
            local -a completions
            completions=("${(@f)$(${words[1]} "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
            compadd -- $completions
        }
        compdef _demo_complete demo ./demo

        """;

    private const string PowerShell = """
        Register-ArgumentCompleter -Native -CommandName demo, ./demo -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            & $commandAst.CommandElements[0].Value "[suggest:$cursorPosition]" "$commandAst" 2>$null |
                ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
        }

        """;
}

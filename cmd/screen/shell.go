package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// completeFlag is the hidden flag urfave/cli answers with completion
// candidates when it is the last argument; the completion scripts call it.
const completeFlag = "--generate-bash-completion"

// The completion scripts. bash, zsh and PowerShell ask the binary for
// candidates (commands, subcommands, flags) with completeFlag, so they
// follow the binary they call; fish gets a static script generated from the
// command tree.
const (
	bashCompletion = `# bash completion for screen; load with: source <(screen completion bash)
_screen_complete() {
  local cur words
  cur="${COMP_WORDS[COMP_CWORD]}"
  words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts
  if [[ "$cur" == -* ]]; then
    opts=$("${words[0]}" "${words[@]:1}" "$cur" ` + completeFlag + ` 2>/dev/null)
  else
    opts=$("${words[0]}" "${words[@]:1}" ` + completeFlag + ` 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  if [[ ${#COMPREPLY[@]} -eq 0 ]]; then
    COMPREPLY=($(compgen -f -- "${cur}"))
  fi
  return 0
}
complete -o default -F _screen_complete screen
`
	zshCompletion = `#compdef screen
# zsh completion for screen; load with: source <(screen completion zsh)
_screen() {
  local -a opts
  local cur=${words[CURRENT]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(_CLI_ZSH_AUTOCOMPLETE_HACK=1 ${words[1]} ${words[2,CURRENT-1]} $cur ` + completeFlag + ` 2>/dev/null)}")
  else
    opts=("${(@f)$(_CLI_ZSH_AUTOCOMPLETE_HACK=1 ${words[1]} ${words[2,CURRENT-1]} ` + completeFlag + ` 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
if [[ "$funcstack[1]" == "_screen" ]]; then
  _screen "$@"
else
  compdef _screen screen
fi
`
	powershellCompletion = `# PowerShell completion for screen; load with: screen completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName 'screen' -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0 -and $words[-1] -eq $wordToComplete) {
    $words = @($words | Select-Object -First ($words.Count - 1))
  }
  $rest = @($words | Select-Object -Skip 1)
  if ($wordToComplete -like '-*') { $rest += $wordToComplete }
  $rest += '` + completeFlag + `'
  & $words[0] @rest 2>$null | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`
)

// completionShells names the shells `screen completion` writes scripts for.
const completionShells = "bash, zsh, fish, powershell"

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh, fish or powershell",
		ArgsUsage: "SHELL",
		Description: "bash:       source <(screen completion bash)        (or save it in /etc/bash_completion.d/screen)\n" +
			"zsh:        source <(screen completion zsh)         (or save it as _screen in your $fpath)\n" +
			"fish:       screen completion fish > ~/.config/fish/completions/screen.fish\n" +
			"powershell: screen completion powershell | Out-String | Invoke-Expression",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return failure(fmt.Errorf("completion: name one shell: %s", completionShells))
			}
			script, err := completionScript(c.Args().First())
			if err != nil {
				return failure(err)
			}
			_, err = fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}

// completionScript returns the completion script of shell.
func completionScript(shell string) (string, error) {
	switch strings.ToLower(shell) {
	case "bash":
		return bashCompletion, nil
	case "zsh":
		return zshCompletion, nil
	case "powershell", "pwsh":
		return powershellCompletion, nil
	case "fish":
		// From a fresh command tree: once an app has run, urfave/cli has
		// added its shared help command under every command, and walking
		// that tree never ends.
		s, err := newApp(io.Discard, io.Discard).ToFishCompletion()
		if err != nil {
			return "", fmt.Errorf("completion fish: %w", err)
		}
		return s, nil
	}
	return "", fmt.Errorf("completion: unknown shell %q (want %s)", shell, completionShells)
}

// manCommand prints the man page generated from the command tree; the
// checked-in docs/screen.1 is its output (CI checks that it is current).
func manCommand() *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the man page (roff), generated from the commands and flags",
		Description: "docs/screen.1 in the repository is this output: regenerate it with\n" +
			"   go run ./cmd/screen man > docs/screen.1",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return failure(errors.New("man: takes no arguments"))
			}
			page, err := manPage()
			if err != nil {
				return failure(err)
			}
			_, err = fmt.Fprint(c.App.Writer, page)
			return err
		},
	}
}

// manPage renders the man page in section 1, from a fresh command tree
// (see completionScript). Characters beyond ASCII are written as roff
// escapes (\[u00D7]), so that every man and groff reads them, whatever
// input encoding it assumes.
func manPage() (string, error) {
	page, err := newApp(io.Discard, io.Discard).ToManWithSection(1)
	if err != nil {
		return "", fmt.Errorf("man page: %w", err)
	}
	var b strings.Builder
	for _, r := range page {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, `\[u%04X]`, r)
	}
	return b.String(), nil
}

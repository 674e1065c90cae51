// Command fakebots runs the emulator: `fakebots` (or `fakebots serve`)
// serves every platform and the control API on one listener; `fakebots
// health` checks that a running emulator answers; `fakebots coverage`
// prints the per-operation fidelity table; `fakebots version` which build
// this is.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stdout, stderr)
	case "health":
		return health(args, stdout, stderr)
	case "coverage":
		return coverage(args, stdout, stderr)
	case "version":
		return printVersion(args, stdout, stderr)
	case "scenario":
		return scenarioCmd(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "fakebots: unknown command %q\n\n%s", cmd, usage)
	return 2
}

const usage = `fakebots emulates the CleverApp, Onebot, Salebot and BotHelp HTTP APIs.

Usage:
  fakebots [serve] [flags]    run the emulator (default)
  fakebots health [--addr]    exit 0 when a running emulator answers
  fakebots coverage           print the per-operation fidelity table (Markdown)
  fakebots version            print the version of this build
  fakebots scenario run|record|lint   run, record or check scripted flows

Run "fakebots serve --help" for the flags; each has a FAKEBOTS_* variable.
`

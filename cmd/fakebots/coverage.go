package main

import (
	"fmt"
	"io"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/control"
)

// coverage prints the coverage table generated from the specs, as the
// README shows it.
func coverage(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "fakebots coverage takes no arguments")
		return 2
	}
	e, err := emulator.New(emulator.WithTick(0))
	if err != nil {
		fmt.Fprintln(stderr, "fakebots:", err)
		return 1
	}
	defer e.Close()
	fmt.Fprint(stdout, control.CoverageMarkdown(control.Coverage(e.Platforms())))
	return 0
}

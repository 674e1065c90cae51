package main

import (
	"fmt"
	"io"

	"github.com/fakebots/fakebots/emulator/version"
)

// printVersion prints which build this is.
func printVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "fakebots version takes no arguments")
		return 2
	}
	fmt.Fprintln(stdout, version.Get())
	return 0
}

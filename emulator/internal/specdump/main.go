// Command specdump writes a platform's spec as the emulator serves it (for
// Onebot: CleverApp's with Onebot's overlay laid over it), for tools that
// read a whole document: scripts/lint-specs lints it.
package main

import (
	"fmt"
	"os"

	"github.com/fakebots/fakebots/emulator"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: specdump PLATFORM")
		os.Exit(2)
	}
	e, err := emulator.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer e.Close()
	p := e.Platform(os.Args[1])
	if p == nil {
		fmt.Fprintf(os.Stderr, "no platform %q\n", os.Args[1])
		os.Exit(1)
	}
	os.Stdout.Write(p.Spec().Raw)
}

// Command specdump writes a platform's spec as the emulator serves it (for
// Onebot: CleverApp's with Onebot's overlay laid over it), for tools that
// read a whole document: scripts/lint-specs lints it.
package main

import (
	"fmt"
	"os"

	"github.com/fakebots/fakebots/emulator/spec"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: specdump PLATFORM")
		os.Exit(2)
	}
	raw, err := spec.Served(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(raw)
}

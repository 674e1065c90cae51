//go:build !unix

package scenario

import "os/exec"

func setProcessGroup(*exec.Cmd) {}

// signalGroup can only end the process itself here.
func signalGroup(cmd *exec.Cmd, _ bool) { cmd.Process.Kill() }

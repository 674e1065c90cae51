package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// docExample is a shell block of a page marked `<!-- verified: needs -->`,
// with the output it prints when an `<!-- output -->` block follows.
type docExample struct {
	line   int
	needs  []string // commands, or command:module for a Python module or PHP extension
	script string
	output *string
}

// TestHTTPSDocExamples runs the marked examples of docs/https.md as written,
// with bash, in order and in one working directory, against a fakebots
// started with --tls, and compares what they print. The page's addresses
// (127.0.0.1:8080 and 127.0.0.1:8443) become the started server's.
func TestHTTPSDocExamples(t *testing.T) {
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the examples need %s: %v", tool, err)
		}
	}
	doc, err := os.ReadFile("../../docs/https.md")
	require.NoError(t, err)
	examples := markedExamples(t, string(doc))
	require.GreaterOrEqual(t, len(examples), 2, "the proxy and the hosts-file examples at least")

	s := serveFor(t, "--tls", "--tls-dir", t.TempDir(), "--seed", "demo", "--rate-limits", "off")
	addresses := strings.NewReplacer("127.0.0.1:8080", s.main, "127.0.0.1:8443", s.https)
	work := t.TempDir()
	for _, ex := range examples {
		t.Run("line "+strconv.Itoa(ex.line), func(t *testing.T) {
			for _, need := range ex.needs {
				if !available(need) {
					t.Skipf("needs %s", need)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", addresses.Replace(ex.script))
			cmd.Dir = work
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work, "LANG=C.UTF-8"} // no proxy of the machine's
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			require.NoError(t, err, "stdout:\n%s\nstderr:\n%s", out, stderr.String())
			if ex.output != nil {
				require.Equal(t, addresses.Replace(*ex.output), string(out))
			}
		})
	}
}

// markedExamples reads the marked shell blocks of a Markdown page.
func markedExamples(t *testing.T, doc string) []docExample {
	t.Helper()
	lines := strings.Split(doc, "\n")
	// block returns the fenced block starting at lines[i] and the index
	// after it.
	block := func(i int) (string, int) {
		require.True(t, i < len(lines) && strings.HasPrefix(lines[i], "```"), "line %d: a fenced block must follow the marker", i+1)
		var body strings.Builder
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body.WriteString(lines[i] + "\n")
		}
		require.Less(t, i, len(lines), "unclosed block")
		return body.String(), i + 1
	}
	var examples []docExample
	for i := 0; i < len(lines); i++ {
		needs, ok := strings.CutPrefix(lines[i], "<!-- verified:")
		if !ok {
			continue
		}
		ex := docExample{line: i + 2, needs: strings.Fields(strings.TrimSuffix(needs, "-->"))}
		ex.script, i = block(i + 1)
		next := i
		for next < len(lines) && lines[next] == "" {
			next++
		}
		if next < len(lines) && lines[next] == "<!-- output -->" {
			output, end := block(next + 1)
			ex.output, i = &output, end
		}
		examples = append(examples, ex)
		i--
	}
	return examples
}

// available reports whether a command (or command:module, a Python module
// or PHP extension) is installed.
func available(need string) bool {
	command, module, _ := strings.Cut(need, ":")
	if _, err := exec.LookPath(command); err != nil {
		return false
	}
	var probe *exec.Cmd
	switch {
	case module == "":
		return true
	case command == "python3":
		probe = exec.Command("python3", "-c", "import "+module)
	case command == "php":
		probe = exec.Command("php", "-r", "exit(extension_loaded('"+module+"') ? 0 : 1);")
	default:
		return false
	}
	return probe.Run() == nil
}

// TestMarkedExamplesParse: markers, blocks and outputs are read as meant.
func TestMarkedExamplesParse(t *testing.T) {
	doc := "intro\n<!-- verified: curl python3:requests -->\n```sh\necho a\necho b\n```\n\n<!-- output -->\n```text\na\nb\n```\n```sh\nnot marked\n```\n<!-- verified: curl -->\n```sh\ntrue\n```\n"
	examples := markedExamples(t, doc)
	require.Len(t, examples, 2)
	require.Equal(t, []string{"curl", "python3:requests"}, examples[0].needs)
	require.Equal(t, "echo a\necho b\n", examples[0].script)
	require.Equal(t, "a\nb\n", *examples[0].output)
	require.Equal(t, "true\n", examples[1].script)
	require.Nil(t, examples[1].output)
	require.Equal(t, 3, examples[0].line)
}

// Command startup measures, for the load script, how long fakebots binaries
// take from exec to their first 200 answer to a platform call, and the CPU
// the process used by then, over several starts. With several binaries
// (--bin a,b) the starts alternate, so a machine whose load changes weighs
// on each alike.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

func main() {
	bins := flag.String("bin", "./fakebots", "the fakebots binaries, separated by commas")
	addr := flag.String("addr", "127.0.0.1:0", "address to start them on (port 0: any free port, read from the banner)")
	runs := flag.Int("runs", 5, "how many starts to time per binary")
	flag.Parse()
	names := strings.Split(*bins, ",")
	wall := make([][]time.Duration, len(names))
	cpu := make([][]time.Duration, len(names))
	for i := 0; i < *runs; i++ {
		for b, bin := range names {
			w, c, err := once(bin, *addr)
			if err != nil {
				fmt.Fprintln(os.Stderr, "startup:", err)
				os.Exit(1)
			}
			wall[b], cpu[b] = append(wall[b], w), append(cpu[b], c)
		}
	}
	for b, bin := range names {
		fmt.Printf("%s: first 200 after median %d ms (best %d, worst %d), process CPU median %d ms (%d starts)\n",
			filepath.Base(bin), median(wall[b]).Milliseconds(), slices.Min(wall[b]).Milliseconds(), slices.Max(wall[b]).Milliseconds(),
			median(cpu[b]).Milliseconds(), len(wall[b]))
	}
}

func median(ds []time.Duration) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// once starts the binary, reads where it listens from its banner, polls
// until the first 200 (giving up after 10 s), kills it, and returns the time
// to the first 200 and the CPU the process had used.
func once(bin, addr string) (time.Duration, time.Duration, error) {
	cmd := exec.Command(bin, "--addr", addr, "--log-level", "error")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	stop := func() time.Duration {
		cmd.Process.Kill() // at once: the CPU counted is the start-up's
		cmd.Wait()
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	base := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				base <- m[1]
				break
			}
		}
		for lines.Scan() { // keep reading: a full pipe would stall the process
		}
	}()
	var url string
	select {
	case b := <-base:
		url = b + "/cleverapp/api/v1/getMe?api_token=demo-cleverapp-token"
	case <-time.After(10 * time.Second):
		stop()
		return 0, 0, fmt.Errorf("no banner within 10 s")
	}
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 10*time.Second {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				took := time.Since(start)
				return took, stop(), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	return 0, 0, fmt.Errorf("no 200 from %s within 10 s", url)
}

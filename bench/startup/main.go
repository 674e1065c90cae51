// Command startup measures, for the load script, how long a fakebots binary
// takes from exec to its first 200 answer to a platform call, over several
// runs, and prints the median and the worst.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"time"
)

func main() {
	bin := flag.String("bin", "./fakebots", "the fakebots binary")
	addr := flag.String("addr", "127.0.0.1:0", "address to start it on (port 0: any free port, read from its banner)")
	runs := flag.Int("runs", 5, "how many starts to time")
	flag.Parse()
	var took []time.Duration
	for i := 0; i < *runs; i++ {
		d, err := once(*bin, *addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "startup:", err)
			os.Exit(1)
		}
		took = append(took, d)
	}
	sort.Slice(took, func(a, b int) bool { return took[a] < took[b] })
	fmt.Printf("start-up to first 200: median %d ms, best %d ms, worst %d ms (%d runs)\n",
		took[len(took)/2].Milliseconds(), took[0].Milliseconds(), took[len(took)-1].Milliseconds(), len(took))
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// once starts the binary, reads where it listens from its banner, polls
// until the first 200 (giving up after 10 s) and stops it.
func once(bin, addr string) (time.Duration, error) {
	cmd := exec.Command(bin, "--addr", addr, "--log-level", "error")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
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
		return 0, fmt.Errorf("no banner within 10 s")
	}
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 10*time.Second {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("no 200 from %s within 10 s", url)
}

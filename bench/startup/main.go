// Command startup measures, for the load script, how long a fakebots binary
// takes from exec to its first 200 answer to a platform call, over several
// runs, and prints the median and the worst.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"time"
)

func main() {
	bin := flag.String("bin", "./fakebots", "the fakebots binary")
	addr := flag.String("addr", "127.0.0.1:18089", "address to start it on")
	runs := flag.Int("runs", 5, "how many starts to time")
	flag.Parse()
	url := "http://" + *addr + "/cleverapp/api/v1/getMe?api_token=demo-cleverapp-token"
	var took []time.Duration
	for i := 0; i < *runs; i++ {
		d, err := once(*bin, *addr, url)
		if err != nil {
			fmt.Fprintln(os.Stderr, "startup:", err)
			os.Exit(1)
		}
		took = append(took, d)
	}
	sort.Slice(took, func(a, b int) bool { return took[a] < took[b] })
	fmt.Printf("start-up to first 200: median %d ms, worst %d ms (%d runs)\n",
		took[len(took)/2].Milliseconds(), took[len(took)-1].Milliseconds(), len(took))
}

// once starts the binary, polls until the first 200 (giving up after 10 s)
// and stops it.
func once(bin, addr, url string) (time.Duration, error) {
	cmd := exec.Command(bin, "--addr", addr, "--log-level", "error")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
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

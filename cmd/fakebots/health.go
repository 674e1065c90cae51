package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// health exits 0 when the emulator at --addr answers its health check; the
// Docker image's HEALTHCHECK runs it.
func health(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address of the running emulator (FAKEBOTS_ADDR)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	target := *addr
	if v, ok := os.LookupEnv("FAKEBOTS_ADDR"); ok && !isSet(fs, "addr") {
		target = v
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + displayAddr(target) + "/__fakebots/health")
	if err != nil {
		fmt.Fprintln(stderr, "fakebots health:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "fakebots health: %s: %s\n", resp.Status, body)
		return 1
	}
	fmt.Fprintf(stdout, "%s\n", body)
	return 0
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

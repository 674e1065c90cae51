package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// health exits 0 when the emulator at --addr answers its health check; the
// Docker image's HEALTHCHECK runs it.
func health(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "the running emulator: host:port as --addr of serve takes it, or a URL such as http://fakebots:8080 (FAKEBOTS_ADDR)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	target := *addr
	if v, ok := os.LookupEnv("FAKEBOTS_ADDR"); ok && !isSet(fs, "addr") {
		target = v
	}
	healthURL, err := healthURL(target)
	if err != nil {
		fmt.Fprintf(stderr, "fakebots health: --addr %q: %v\n", target, err)
		return 2
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(healthURL)
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

// healthURL is the health endpoint of the emulator at addr: a listen
// address (a wildcard host means this machine) or a base URL.
func healthURL(addr string) (string, error) {
	if !strings.Contains(addr, "://") {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return "", errors.New("want host:port or a URL")
		}
		return "http://" + displayAddr(addr) + "/__fakebots/health", nil
	}
	u, err := url.Parse(addr)
	switch {
	case err != nil:
		return "", err
	case u.Scheme != "http" && u.Scheme != "https":
		return "", errors.New("the URL must be http or https")
	case u.Host == "":
		return "", errors.New("the URL has no host")
	case u.RawQuery != "" || u.Fragment != "":
		return "", errors.New("the URL must not have a query or fragment")
	}
	u.Host = displayAddr(u.Host)
	u.Path = strings.TrimSuffix(u.Path, "/") + "/__fakebots/health"
	u.RawPath = ""
	return u.String(), nil
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

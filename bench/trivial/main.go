// Command trivial is the load script's yardstick: the smallest net/http
// handler, answering from memory. At / it answers a small fixed JSON body;
// with --dir, /NAME answers the bytes of DIR/NAME.body (read once), so a
// page of the emulator can be compared with the same bytes served by
// nothing but net/http.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dir := flag.String("dir", "", "directory of NAME.body files served at /NAME")
	flag.Parse()
	small := []byte(`{"data":[{"id":1,"name":"Иван Иванов"}]}`)
	var bodies sync.Map // name → []byte
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := small
		if name := strings.TrimPrefix(r.URL.Path, "/"); name != "" && *dir != "" {
			b, ok := bodies.Load(name)
			if !ok {
				raw, err := os.ReadFile(filepath.Join(*dir, filepath.Base(name)+".body"))
				if err != nil {
					http.NotFound(w, r)
					return
				}
				b, _ = bodies.LoadOrStore(name, raw)
			}
			body = b.([]byte)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})))
}

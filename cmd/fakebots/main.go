package main

import (
	"log"
	"net/http"

	"github.com/fakebots/fakebots/emulator"
)

func main() {
	e, err := emulator.New(emulator.WithSeed("none"))
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", e))
}

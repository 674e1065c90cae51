package spec

import (
	"testing"

	"github.com/fakebots/fakebots/specs"
)

// BenchmarkLoad is what a process pays once per platform before it serves
// anything: parsing and checking the document (Onebot's is CleverApp's with
// its overlay laid over), without the cache every later emulator uses.
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"cleverapp", "onebot", "salebot", "bothelp"} {
		raw, err := Served(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := load(name, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOverlay builds Onebot's document from CleverApp's.
func BenchmarkOverlay(b *testing.B) {
	base, err := specs.Platform("cleverapp")
	if err != nil {
		b.Fatal(err)
	}
	own, err := specs.Platform("onebot")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Overlay(base, own); err != nil {
			b.Fatal(err)
		}
	}
}

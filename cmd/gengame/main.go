// Command gengame writes a deterministic game folder in the shape of a
// shipped Haemimont game, for benchmarks and for trying modscope on a tree of
// real size without downloading one:
//
//	go run ./cmd/gengame -out DIR [-preset small|shipped|mods|huge] [-seed N]
//
// It prints the manifest (also written as DIR/.gengame.json): file count,
// bytes, and the files expected to fail with their line.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"modscope/internal/gengame"
)

func main() {
	out := flag.String("out", "", "folder to write (created if missing)")
	preset := flag.String("preset", "shipped", "size: small, shipped, mods, huge, or conflicts (mods overwriting the same game methods)")
	seed := flag.Uint64("seed", 1, "seed; the same seed writes the same tree")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gengame -out DIR [-preset small|shipped|mods|huge] [-seed N]")
		os.Exit(2)
	}
	m, err := gengame.Generate(*out, *preset, *seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	m.NotRun = nil // long; it is in the manifest file
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gengame: encode manifest:", err)
		os.Exit(1)
	}
	fmt.Println(string(js))
}

// Command gengame writes a deterministic game folder in the shape of a
// shipped Haemimont game, for benchmarks and for trying modscope on a tree of
// real size without downloading one:
//
//	go run ./cmd/gengame -out DIR [-preset small|shipped|mods|huge] [-seed N]
//
// It prints the manifest (also written as DIR/.gengame.json): file count,
// bytes, and the files expected to fail with their line.
//
//	go run ./cmd/gengame -stats [NAME=]DIR...
//
// prints, instead, the shape of the Lua trees DIR... side by side as Markdown
// tables (file sizes, functions, closures, methods, constants per function,
// table constructors, PlaceObj and T calls, strings shared across files), to
// compare a generated tree with a real game's.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"modscope/internal/gengame"
)

func main() {
	out := flag.String("out", "", "folder to write (created if missing)")
	preset := flag.String("preset", "shipped", "size: small, shipped, mods, huge, or conflicts (mods overwriting the same game methods)")
	seed := flag.Uint64("seed", 1, "seed; the same seed writes the same tree")
	stats := flag.Bool("stats", false, "print the shape of the Lua trees given as arguments ([NAME=]DIR) instead of writing one")
	flag.Parse()
	if *stats {
		os.Exit(printStats(flag.Args()))
	}
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

func printStats(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: gengame -stats [NAME=]DIR...")
		return 2
	}
	var names []string
	var trees []gengame.TreeStats
	for _, a := range args {
		name, dir, ok := strings.Cut(a, "=")
		if !ok {
			name, dir = filepath.Base(a), a
		}
		ts, err := gengame.StatsOfDir(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		names = append(names, name)
		trees = append(trees, ts)
	}
	if err := gengame.WriteStatsTable(os.Stdout, names, trees); err != nil {
		fmt.Fprintln(os.Stderr, "gengame:", err)
		return 1
	}
	return 0
}

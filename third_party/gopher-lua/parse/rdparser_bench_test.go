package parse

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/yuin/gopher-lua/ast"
)

// Parse-time benchmarks, old (goyacc) against new (recursive descent), on
// a folder of Lua files: PARSE_BENCH_DIR (for example a tree written by
// `go run ./cmd/gengame -preset shipped`), else /tmp/real/sm when present,
// else this repository's own Lua files. Compare them alternately:
//
//	go test -run XXX -bench ParseTree -benchmem -count 6 ./parse/
func benchSources(b *testing.B) [][]byte {
	root := os.Getenv("PARSE_BENCH_DIR")
	if root == "" {
		root = "/tmp/real/sm"
		if _, err := os.Stat(root); err != nil {
			root = "../../.."
		}
	}
	var srcs [][]byte
	total := 0
	for _, f := range luaFiles(b, root) {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		total += len(src)
	}
	b.Logf("%s: %d files, %d bytes", root, len(srcs), total)
	b.SetBytes(int64(total))
	return srcs
}

func benchParse(b *testing.B, parse func(io.Reader, string) ([]ast.Stmt, error)) {
	srcs := benchSources(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			parse(bytes.NewReader(src), "bench.lua") // some trees hold files that fail on purpose
		}
	}
}

func BenchmarkParseTree(b *testing.B) {
	b.Run("old", func(b *testing.B) { benchParse(b, oracleParse) })
	b.Run("new", func(b *testing.B) { benchParse(b, Parse) })
}

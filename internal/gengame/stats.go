package gengame

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// FileStats is the shape of one Lua file, read from its syntax tree (the
// patched gopher-lua parser): what makes a file cheap or dear to parse,
// compile and run.
type FileStats struct {
	Path     string
	Bytes    int
	Lines    int
	Data     bool // data-like: most top-level statements build tables (PlaceObj presets, constant tables)
	Funcs    int  // function bodies (function statements and expressions)
	Closures int  // of which nested in another function
	Methods  int  // `function X:y` definitions
	// Consts holds, per function prototype (the main chunk first), the number
	// of distinct constants Lua would put in its constant table: string
	// literals, numbers, field and method names, global names.
	Consts      []int
	Tables      int   // table constructors
	TableFields []int // fields of each constructor
	TableDepth  int   // deepest nesting of constructors
	Calls       int
	PlaceObj    int             // PlaceObj(...) calls
	T           int             // T(...) and T{...} calls
	Strings     map[string]bool // distinct string literals (not names)
	// Classes maps each class the file declares (DefineClass.X = {...} or
	// DefineClass("X", ...)) to its parents; Members counts the members of
	// its table plus the methods (function X:y) the file defines for it.
	Classes    map[string][]string
	Members    map[string]int
	ParseError string // the parser's error, when the file does not parse
}

// StatsOfSource computes the statistics of one file's source.
func StatsOfSource(path string, src []byte) FileStats {
	fs := FileStats{Path: path, Bytes: len(src), Lines: bytes.Count(src, []byte{'\n'}), Strings: map[string]bool{},
		Classes: map[string][]string{}, Members: map[string]int{}}
	if len(src) > 0 && src[len(src)-1] != '\n' {
		fs.Lines++
	}
	chunk, err := parse.Parse(bytes.NewReader(src), path)
	if err != nil {
		fs.ParseError = err.Error()
		return fs
	}
	w := &statsWalker{fs: &fs}
	w.function(nil, chunk, false)
	dataStmts := 0
	for _, st := range chunk {
		if isDataStmt(st) {
			dataStmts++
		}
	}
	fs.Data = len(chunk) > 0 && dataStmts*10 >= len(chunk)*6
	return fs
}

// isDataStmt: a call with a table constructor argument (PlaceObj('X', {...}),
// DefineConst{...}), or an assignment or return of a constructor.
func isDataStmt(st ast.Stmt) bool {
	hasTable := func(es []ast.Expr) bool {
		for _, e := range es {
			if _, ok := e.(*ast.TableExpr); ok {
				return true
			}
			if c, ok := e.(*ast.FuncCallExpr); ok && hasTableArg(c) {
				return true
			}
		}
		return false
	}
	switch s := st.(type) {
	case *ast.FuncCallStmt:
		if c, ok := s.Expr.(*ast.FuncCallExpr); ok {
			return hasTableArg(c)
		}
	case *ast.AssignStmt:
		return hasTable(s.Rhs)
	case *ast.LocalAssignStmt:
		return hasTable(s.Exprs)
	case *ast.ReturnStmt:
		return hasTable(s.Exprs)
	}
	return false
}

func hasTableArg(c *ast.FuncCallExpr) bool {
	for _, a := range c.Args {
		if _, ok := a.(*ast.TableExpr); ok {
			return true
		}
	}
	return false
}

type funcScope struct {
	parent *funcScope
	locals map[string]bool
	consts map[string]bool
}

func (s *funcScope) isLocal(name string) bool {
	for ; s != nil; s = s.parent {
		if s.locals[name] {
			return true
		}
	}
	return false
}

type statsWalker struct {
	fs    *FileStats
	scope *funcScope
	depth int // table constructor nesting
}

// function walks one function body (nil params for the main chunk).
func (w *statsWalker) function(params *ast.ParList, body []ast.Stmt, nested bool) {
	s := &funcScope{parent: w.scope, locals: map[string]bool{}, consts: map[string]bool{}}
	if params != nil {
		for _, n := range params.Names {
			s.locals[n] = true
		}
		w.fs.Funcs++
		if nested {
			w.fs.Closures++
		}
	}
	w.scope = s
	depth := w.depth
	w.depth = 0
	idx := len(w.fs.Consts)
	w.fs.Consts = append(w.fs.Consts, 0)
	w.stmts(body)
	w.fs.Consts[idx] = len(s.consts)
	w.depth = depth
	w.scope = s.parent
}

func (w *statsWalker) konst(k string) { w.scope.consts[k] = true }

func (w *statsWalker) name(n string) { w.konst("s:" + n) }

func (w *statsWalker) stmts(list []ast.Stmt) {
	for _, st := range list {
		w.stmt(st)
	}
}

func (w *statsWalker) stmt(st ast.Stmt) {
	switch s := st.(type) {
	case *ast.AssignStmt:
		if len(s.Lhs) == 1 && len(s.Rhs) == 1 {
			w.classDecl(s.Lhs[0], s.Rhs[0])
		}
		w.exprs(s.Lhs)
		w.exprs(s.Rhs)
	case *ast.LocalAssignStmt:
		w.exprs(s.Exprs)
		for _, n := range s.Names {
			w.scope.locals[n] = true
		}
	case *ast.FuncCallStmt:
		w.expr(s.Expr)
	case *ast.DoBlockStmt:
		w.stmts(s.Stmts)
	case *ast.WhileStmt:
		w.expr(s.Condition)
		w.stmts(s.Stmts)
	case *ast.RepeatStmt:
		w.stmts(s.Stmts)
		w.expr(s.Condition)
	case *ast.IfStmt:
		w.expr(s.Condition)
		w.stmts(s.Then)
		w.stmts(s.Else)
	case *ast.NumberForStmt:
		w.expr(s.Init)
		w.expr(s.Limit)
		if s.Step != nil {
			w.expr(s.Step)
		}
		w.scope.locals[s.Name] = true
		w.stmts(s.Stmts)
	case *ast.GenericForStmt:
		w.exprs(s.Exprs)
		for _, n := range s.Names {
			w.scope.locals[n] = true
		}
		w.stmts(s.Stmts)
	case *ast.FuncDefStmt:
		if s.Name.Func == nil {
			w.expr(s.Name.Receiver)
			w.name(s.Name.Method)
			w.fs.Methods++
			if id, ok := s.Name.Receiver.(*ast.IdentExpr); ok {
				w.fs.Members[id.Value]++
			}
		} else {
			w.expr(s.Name.Func)
		}
		params := s.Func.ParList
		if s.Name.Func == nil {
			params = &ast.ParList{HasVargs: params.HasVargs, Names: append([]string{"self"}, params.Names...)}
		}
		w.function(params, s.Func.Stmts, w.scope.parent != nil)
	case *ast.ReturnStmt:
		w.exprs(s.Exprs)
	}
}

func (w *statsWalker) exprs(list []ast.Expr) {
	for _, e := range list {
		w.expr(e)
	}
}

func (w *statsWalker) expr(e ast.Expr) {
	switch x := e.(type) {
	case *ast.NumberExpr:
		w.konst("n:" + x.Value)
	case *ast.StringExpr:
		w.konst("s:" + x.Value)
		w.fs.Strings[x.Value] = true
	case *ast.IdentExpr:
		if !w.scope.isLocal(x.Value) {
			w.name(x.Value)
		}
	case *ast.AttrGetExpr:
		w.expr(x.Object)
		if k, ok := x.Key.(*ast.StringExpr); ok {
			w.name(k.Value)
		} else {
			w.expr(x.Key)
		}
	case *ast.TableExpr:
		w.fs.Tables++
		w.fs.TableFields = append(w.fs.TableFields, len(x.Fields))
		w.depth++
		w.fs.TableDepth = max(w.fs.TableDepth, w.depth)
		for _, f := range x.Fields {
			if k, ok := f.Key.(*ast.StringExpr); ok {
				w.name(k.Value)
			} else if f.Key != nil {
				w.expr(f.Key)
			}
			w.expr(f.Value)
		}
		w.depth--
	case *ast.FuncCallExpr:
		w.fs.Calls++
		if id, ok := x.Func.(*ast.IdentExpr); ok {
			if id.Value == "DefineClass" && len(x.Args) > 0 {
				if name, ok := x.Args[0].(*ast.StringExpr); ok {
					var parents []string
					for _, a := range x.Args[1:] {
						if p, ok := a.(*ast.StringExpr); ok {
							parents = append(parents, p.Value)
						}
					}
					w.fs.Classes[name.Value] = parents
				}
			}
			switch id.Value {
			case "PlaceObj":
				w.fs.PlaceObj++
			case "T":
				w.fs.T++
			}
		}
		if x.Func != nil {
			w.expr(x.Func)
		}
		if x.Receiver != nil {
			w.expr(x.Receiver)
			w.name(x.Method)
		}
		w.exprs(x.Args)
	case *ast.LogicalOpExpr:
		w.expr(x.Lhs)
		w.expr(x.Rhs)
	case *ast.RelationalOpExpr:
		w.expr(x.Lhs)
		w.expr(x.Rhs)
	case *ast.StringConcatOpExpr:
		w.expr(x.Lhs)
		w.expr(x.Rhs)
	case *ast.ArithmeticOpExpr:
		w.expr(x.Lhs)
		w.expr(x.Rhs)
	case *ast.UnaryMinusOpExpr:
		w.expr(x.Expr)
	case *ast.UnaryNotOpExpr:
		w.expr(x.Expr)
	case *ast.UnaryLenOpExpr:
		w.expr(x.Expr)
	case *ast.UnaryBNotOpExpr:
		w.expr(x.Expr)
	case *ast.FunctionExpr:
		w.function(x.ParList, x.Stmts, w.scope.parent != nil)
	}
}

// classDecl records `DefineClass.X = { __parents = {...}, ... }`.
func (w *statsWalker) classDecl(lhs, rhs ast.Expr) {
	at, ok := lhs.(*ast.AttrGetExpr)
	if !ok {
		return
	}
	obj, ok1 := at.Object.(*ast.IdentExpr)
	key, ok2 := at.Key.(*ast.StringExpr)
	tbl, ok3 := rhs.(*ast.TableExpr)
	if !ok1 || !ok2 || !ok3 || obj.Value != "DefineClass" {
		return
	}
	parents := []string{}
	for _, f := range tbl.Fields {
		if k, ok := f.Key.(*ast.StringExpr); ok && k.Value == "__parents" {
			if list, ok := f.Value.(*ast.TableExpr); ok {
				for _, p := range list.Fields {
					if s, ok := p.Value.(*ast.StringExpr); ok && p.Key == nil {
						parents = append(parents, s.Value)
					}
				}
			}
		}
	}
	w.fs.Classes[key.Value] = parents
	w.fs.Members[key.Value] += len(tbl.Fields)
}

// Dist summarises a distribution.
type Dist struct {
	N      int
	Median int
	P90    int
	Max    int
	Total  int
}

func distOf(v []int) Dist {
	d := Dist{N: len(v)}
	if len(v) == 0 {
		return d
	}
	s := append([]int(nil), v...)
	sort.Ints(s)
	for _, x := range s {
		d.Total += x
	}
	d.Median = s[(len(s)-1)/2]
	d.P90 = s[(len(s)-1)*9/10]
	d.Max = s[len(s)-1]
	return d
}

// ClassStats are the distributions over one class of files (all, code or
// data-like). Per-file distributions have one value per file; FuncConsts
// one per function prototype (main chunks included), Fields one per table
// constructor.
type ClassStats struct {
	Files      int
	Bytes      Dist
	Lines      Dist
	Funcs      Dist
	Closures   Dist
	Methods    Dist
	Tables     Dist
	Calls      Dist
	PlaceObj   Dist
	T          Dist
	Depth      Dist
	FuncConsts Dist // per function prototype
	MainConsts Dist // the main chunk's constants, per file
	Fields     Dist // per table constructor
}

// TreeStats are a tree's statistics.
type TreeStats struct {
	All, Code, Data ClassStats
	ParseErrors     int
	// StringsShared is the share (percent) of distinct string literals that
	// occur in more than one file; UsesShared the share of the files'
	// literal uses (one per distinct literal per file) whose value occurs in
	// another file too.
	StringsShared float64
	UsesShared    float64
	Literals      int     // distinct string literals in the tree
	DataShare     float64 // percent of files that are data-like
	DataBytes     float64 // percent of bytes in data-like files
	// Class hierarchy, over the classes declared in the tree: parents and
	// ancestors (transitively, among declared classes) per class, own
	// members (table fields and methods) per class, and members a class
	// holds once its ancestors' are copied in, as a class system does.
	Classes   int
	Parents   Dist
	Ancestors Dist
	Members   Dist
	Flattened Dist
}

// Summarize computes a tree's statistics from its files' (files that do
// not parse count only in ParseErrors).
func Summarize(files []FileStats) TreeStats {
	var ts TreeStats
	var all, code, data []FileStats
	seen := map[string]int{}
	parents, members := map[string][]string{}, map[string]int{}
	for _, f := range files {
		for c, ps := range f.Classes {
			parents[c] = ps
		}
		for c, n := range f.Members {
			members[c] += n
		}
		if f.ParseError != "" {
			ts.ParseErrors++
			continue
		}
		all = append(all, f)
		if f.Data {
			data = append(data, f)
		} else {
			code = append(code, f)
		}
		for s := range f.Strings {
			seen[s]++
		}
	}
	ts.All, ts.Code, ts.Data = classOf(all), classOf(code), classOf(data)
	ts.Classes = len(parents)
	anc := map[string]map[string]bool{}
	var ancestors func(c string, depth int) map[string]bool
	ancestors = func(c string, depth int) map[string]bool {
		if a, ok := anc[c]; ok {
			return a
		}
		a := map[string]bool{}
		anc[c] = a // a cycle ends here
		if depth > 100 {
			return a
		}
		for _, p := range parents[c] {
			if _, ok := parents[p]; !ok {
				continue
			}
			a[p] = true
			for x := range ancestors(p, depth+1) {
				a[x] = true
			}
		}
		return a
	}
	var np, na, nm, nf []int
	for c, ps := range parents {
		a := ancestors(c, 0)
		np = append(np, len(ps))
		na = append(na, len(a))
		nm = append(nm, members[c])
		flat := members[c]
		for x := range a {
			flat += members[x]
		}
		nf = append(nf, flat)
	}
	ts.Parents, ts.Ancestors, ts.Members, ts.Flattened = distOf(np), distOf(na), distOf(nm), distOf(nf)
	shared, uses, usesShared := 0, 0, 0
	for _, n := range seen {
		uses += n
		if n > 1 {
			shared++
			usesShared += n
		}
	}
	ts.Literals = len(seen)
	if len(seen) > 0 {
		ts.StringsShared = 100 * float64(shared) / float64(len(seen))
		ts.UsesShared = 100 * float64(usesShared) / float64(uses)
	}
	if len(all) > 0 {
		ts.DataShare = 100 * float64(len(data)) / float64(len(all))
		ts.DataBytes = 100 * float64(ts.Data.Bytes.Total) / float64(max(1, ts.All.Bytes.Total))
	}
	return ts
}

func classOf(files []FileStats) ClassStats {
	per := func(get func(f FileStats) int) Dist {
		v := make([]int, len(files))
		for i, f := range files {
			v[i] = get(f)
		}
		return distOf(v)
	}
	var consts, mains, fields []int
	for _, f := range files {
		consts = append(consts, f.Consts...)
		if len(f.Consts) > 0 {
			mains = append(mains, f.Consts[0])
		}
		fields = append(fields, f.TableFields...)
	}
	return ClassStats{
		Files:      len(files),
		Bytes:      per(func(f FileStats) int { return f.Bytes }),
		Lines:      per(func(f FileStats) int { return f.Lines }),
		Funcs:      per(func(f FileStats) int { return f.Funcs }),
		Closures:   per(func(f FileStats) int { return f.Closures }),
		Methods:    per(func(f FileStats) int { return f.Methods }),
		Tables:     per(func(f FileStats) int { return f.Tables }),
		Calls:      per(func(f FileStats) int { return f.Calls }),
		PlaceObj:   per(func(f FileStats) int { return f.PlaceObj }),
		T:          per(func(f FileStats) int { return f.T }),
		Depth:      per(func(f FileStats) int { return f.TableDepth }),
		FuncConsts: distOf(consts),
		MainConsts: distOf(mains),
		Fields:     distOf(fields),
	}
}

// StatsOfDir computes the statistics of every .lua file under dir.
func StatsOfDir(dir string) (TreeStats, error) {
	var files []FileStats
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".lua") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("gengame: stats: %w", err)
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, StatsOfSource(filepath.ToSlash(rel), src))
		return nil
	})
	if err != nil {
		return TreeStats{}, fmt.Errorf("gengame: stats of %s: %w", dir, err)
	}
	return Summarize(files), nil
}

// StatsOfFiles computes the statistics of the .lua files among files
// (path -> content), as Build hands them out.
func StatsOfFiles(files map[string][]byte) TreeStats {
	paths := make([]string, 0, len(files))
	for p := range files {
		if strings.HasSuffix(p, ".lua") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	list := make([]FileStats, 0, len(paths))
	for _, p := range paths {
		list = append(list, StatsOfSource(p, files[p]))
	}
	return Summarize(list)
}

// WriteStatsTable writes trees' statistics side by side as Markdown tables,
// one per file class, each cell "median / p90" (and the total where a total
// means something).
func WriteStatsTable(out io.Writer, names []string, trees []TreeStats) error {
	var b strings.Builder
	head := func() {
		b.WriteString("| |")
		for _, n := range names {
			fmt.Fprintf(&b, " %s |", n)
		}
		b.WriteString("\n|---|")
		for range names {
			b.WriteString("---|")
		}
		b.WriteString("\n")
	}
	row := func(label string, cell func(t TreeStats) string) {
		fmt.Fprintf(&b, "| %s |", label)
		for _, t := range trees {
			fmt.Fprintf(&b, " %s |", cell(t))
		}
		b.WriteString("\n")
	}
	mp := func(d Dist) string { return fmt.Sprintf("%d / %d", d.Median, d.P90) }
	mpt := func(d Dist) string { return fmt.Sprintf("%d / %d (Σ %s)", d.Median, d.P90, kilo(d.Total)) }
	b.WriteString("Whole tree\n\n")
	head()
	row("Lua files (parse errors)", func(t TreeStats) string {
		return fmt.Sprintf("%d (%d)", t.All.Files, t.ParseErrors)
	})
	row("bytes", func(t TreeStats) string { return kilo(t.All.Bytes.Total) })
	row("data-like files: share of files / of bytes", func(t TreeStats) string {
		return fmt.Sprintf("%.0f%% / %.0f%%", t.DataShare, t.DataBytes)
	})
	row("functions / nested closures / methods", func(t TreeStats) string {
		return fmt.Sprintf("%s / %s / %s", kilo(t.All.Funcs.Total), kilo(t.All.Closures.Total), kilo(t.All.Methods.Total))
	})
	row("table constructors / PlaceObj / T calls", func(t TreeStats) string {
		return fmt.Sprintf("%s / %s / %s", kilo(t.All.Tables.Total), kilo(t.All.PlaceObj.Total), kilo(t.All.T.Total))
	})
	row("distinct string literals", func(t TreeStats) string { return kilo(t.Literals) })
	row("classes declared", func(t TreeStats) string { return kilo(t.Classes) })
	row("parents per class (median / p90)", func(t TreeStats) string { return mp(t.Parents) })
	row("ancestors per class (median / p90, max)", func(t TreeStats) string {
		return mp(t.Ancestors) + fmt.Sprintf(", %d", t.Ancestors.Max)
	})
	row("own members per class (median / p90, Σ)", func(t TreeStats) string { return mpt(t.Members) })
	row("members with inherited (median / p90, Σ)", func(t TreeStats) string { return mpt(t.Flattened) })
	row("distinct string literals in 2+ files", func(t TreeStats) string { return fmt.Sprintf("%.1f%%", t.StringsShared) })
	row("literal uses (per file) shared with another file", func(t TreeStats) string { return fmt.Sprintf("%.1f%%", t.UsesShared) })
	for _, cl := range []struct {
		name string
		get  func(t TreeStats) ClassStats
	}{{"Code files", func(t TreeStats) ClassStats { return t.Code }}, {"Data-like files", func(t TreeStats) ClassStats { return t.Data }}} {
		fmt.Fprintf(&b, "\n%s (cells: median / p90, Σ total)\n\n", cl.name)
		head()
		row("files", func(t TreeStats) string { return fmt.Sprint(cl.get(t).Files) })
		row("bytes per file", func(t TreeStats) string { return mpt(cl.get(t).Bytes) })
		row("lines per file", func(t TreeStats) string { return mpt(cl.get(t).Lines) })
		row("functions per file", func(t TreeStats) string { return mpt(cl.get(t).Funcs) })
		row("nested closures per file", func(t TreeStats) string { return mpt(cl.get(t).Closures) })
		row("methods (function X:y) per file", func(t TreeStats) string { return mpt(cl.get(t).Methods) })
		row("constants per function", func(t TreeStats) string {
			return mp(cl.get(t).FuncConsts) + fmt.Sprintf(" (max %d)", cl.get(t).FuncConsts.Max)
		})
		row("constants of the main chunk", func(t TreeStats) string {
			return mp(cl.get(t).MainConsts) + fmt.Sprintf(" (max %d)", cl.get(t).MainConsts.Max)
		})
		row("table constructors per file", func(t TreeStats) string { return mpt(cl.get(t).Tables) })
		row("fields per constructor", func(t TreeStats) string { return mp(cl.get(t).Fields) + fmt.Sprintf(" (max %d)", cl.get(t).Fields.Max) })
		row("constructor nesting per file", func(t TreeStats) string { return mp(cl.get(t).Depth) })
		row("calls per file", func(t TreeStats) string { return mpt(cl.get(t).Calls) })
		row("PlaceObj calls per file", func(t TreeStats) string { return mpt(cl.get(t).PlaceObj) })
		row("T calls per file", func(t TreeStats) string { return mpt(cl.get(t).T) })
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func kilo(n int) string {
	switch {
	case n >= 10_000_000:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	default:
		return fmt.Sprint(n)
	}
}

package engine

import "github.com/yuin/gopher-lua/ast"

// MaxSyntaxDepth bounds how deep a parsed chunk's syntax tree may be before
// it is compiled. gopher-lua's parser keeps its own stack, but its compiler
// recurses once per level of the tree, and chains that the bracket count of
// nesting.go does not see make deep trees: `f()()()…`, `not not …`,
// `a < b < c …`, `a .. b .. c …`, long elseif chains. A million levels
// overflow the Go stack, which kills the process; a hundred thousand take
// minutes (the compiler is quadratic on some of them).
const MaxSyntaxDepth = 4000

// MaxFoldWork bounds the compiler's constant folding: it folds every
// arithmetic node's whole arithmetic subtree again, so a chain of n `a + a
// + …` costs n²/2 steps. Within MaxSyntaxDepth one chain is cheap, but a
// 16 MB file of 4,000-long chains took four minutes; this many steps take
// about a second.
const MaxFoldWork = 20_000_000

// syntaxItem is one node waiting to be visited with its depth and the
// number of arithmetic nodes right above it (what folding it costs).
type syntaxItem struct {
	node  any
	depth int
	fold  int
}

// foldWork returns the compiler's constant-folding steps for the chunk,
// stopping once they pass limit, and the line where they did.
func foldWork(chunk []ast.Stmt, limit int) (line, work int) {
	stack := make([]syntaxItem, 0, 64)
	for i := len(chunk) - 1; i >= 0; i-- { // the first statement first
		stack = append(stack, syntaxItem{node: chunk[i]})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.node == nil {
			continue
		}
		fold := 0
		switch it.node.(type) {
		case *ast.ArithmeticOpExpr, *ast.UnaryMinusOpExpr, *ast.UnaryBNotOpExpr:
			fold = it.fold + 1
			work += fold
			if work > limit {
				if ph, ok := it.node.(ast.PositionHolder); ok {
					line = ph.Line()
				}
				return line, work
			}
		}
		forChildren(it.node, func(child any) {
			stack = append(stack, syntaxItem{node: child, fold: fold})
		})
	}
	return 0, work
}

// syntaxDepth measures the depth of a chunk's syntax tree without recursion
// and stops as soon as it passes limit. It returns the depth found (at most
// limit+1) and the line of the deepest node it saw.
func syntaxDepth(chunk []ast.Stmt, limit int) (line, depth int) {
	stack := make([]syntaxItem, 0, 64)
	for _, s := range chunk {
		stack = append(stack, syntaxItem{node: s, depth: 1})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.node == nil {
			continue
		}
		if it.depth > depth {
			depth = it.depth
			if ph, ok := it.node.(ast.PositionHolder); ok {
				line = ph.Line()
			}
			if depth > limit {
				return line, depth
			}
		}
		d := it.depth + 1
		forChildren(it.node, func(n any) {
			stack = append(stack, syntaxItem{node: n, depth: d})
		})
	}
	return line, depth
}

// forChildren calls push with each child node of n that is not nil.
func forChildren(n any, push0 func(any)) {
	push := func(c any) {
		if c != nil {
			push0(c)
		}
	}
	pushExprs := func(es []ast.Expr) {
		for _, e := range es {
			push(e)
		}
	}
	pushStmts := func(ss []ast.Stmt) {
		for _, s := range ss {
			push(s)
		}
	}
	switch n := n.(type) {
	// statements
	case *ast.AssignStmt:
		pushExprs(n.Lhs)
		pushExprs(n.Rhs)
	case *ast.LocalAssignStmt:
		pushExprs(n.Exprs)
	case *ast.FuncCallStmt:
		push(n.Expr)
	case *ast.DoBlockStmt:
		pushStmts(n.Stmts)
	case *ast.WhileStmt:
		push(n.Condition)
		pushStmts(n.Stmts)
	case *ast.RepeatStmt:
		push(n.Condition)
		pushStmts(n.Stmts)
	case *ast.IfStmt:
		push(n.Condition)
		pushStmts(n.Then)
		pushStmts(n.Else)
	case *ast.NumberForStmt:
		push(n.Init)
		push(n.Limit)
		push(n.Step)
		pushStmts(n.Stmts)
	case *ast.GenericForStmt:
		pushExprs(n.Exprs)
		pushStmts(n.Stmts)
	case *ast.FuncDefStmt:
		if n.Name != nil {
			push(n.Name.Func)
			push(n.Name.Receiver)
		}
		if n.Func != nil {
			push(n.Func)
		}
	case *ast.ReturnStmt:
		pushExprs(n.Exprs)
	// expressions
	case *ast.AttrGetExpr:
		push(n.Object)
		push(n.Key)
	case *ast.TableExpr:
		for _, f := range n.Fields {
			if f != nil {
				push(f.Key)
				push(f.Value)
			}
		}
	case *ast.FuncCallExpr:
		push(n.Func)
		push(n.Receiver)
		pushExprs(n.Args)
	case *ast.LogicalOpExpr:
		push(n.Lhs)
		push(n.Rhs)
	case *ast.RelationalOpExpr:
		push(n.Lhs)
		push(n.Rhs)
	case *ast.StringConcatOpExpr:
		push(n.Lhs)
		push(n.Rhs)
	case *ast.ArithmeticOpExpr:
		push(n.Lhs)
		push(n.Rhs)
	case *ast.UnaryMinusOpExpr:
		push(n.Expr)
	case *ast.UnaryNotOpExpr:
		push(n.Expr)
	case *ast.UnaryLenOpExpr:
		push(n.Expr)
	case *ast.UnaryBNotOpExpr: // Lua 5.3 ~x
		push(n.Expr)
	case *ast.FunctionExpr:
		pushStmts(n.Stmts)
	}
}

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

// syntaxItem is one node waiting to be visited with its depth.
type syntaxItem struct {
	node  any
	depth int
}

// syntaxDepth measures the depth of a chunk's syntax tree without recursion
// and stops as soon as it passes limit. It returns the depth found (at most
// limit+1) and the line of the deepest node it saw.
func syntaxDepth(chunk []ast.Stmt, limit int) (line, depth int) {
	stack := make([]syntaxItem, 0, 64)
	for _, s := range chunk {
		stack = append(stack, syntaxItem{s, 1})
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
		push := func(n any) {
			if n != nil {
				stack = append(stack, syntaxItem{n, d})
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
		switch n := it.node.(type) {
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
		case *ast.FunctionExpr:
			pushStmts(n.Stmts)
		}
	}
	return line, depth
}

package parse

// modscope: a hand-written recursive-descent parser in the style of Lua's
// own lparser.c (one pass over the tokens, operator precedence climbing with
// Lua 5.3 priorities). It builds exactly the syntax tree that the goyacc
// grammar (parser.go.y) built, with the same line information and the same
// error messages at the same tokens; rdparser_test.go checks that against
// the old parser on every Lua file it can find.

import (
	"fmt"
	"io"
	"sync"

	"github.com/yuin/gopher-lua/ast"
)

// MaxSyntaxLevels bounds how deeply statements and expressions may nest
// (blocks, brackets, parentheses, table constructors, function bodies) so
// that the parser's recursion never exhausts the Go stack. Chains that need
// no nesting (`a .. b .. c`, `not not x`, `f()()`, `a.b.c`, elseif) are
// parsed iteratively and do not count.
const MaxSyntaxLevels = 1000

// expression kinds, as the grammar tells them apart
const (
	kindOther = iota // any other expression
	kindVar          // a name or an index: may be assigned to
	kindCall         // a function call (not in parentheses)
)

type rdParser struct {
	sc  *Scanner
	lx  Lexer     // the previous token's type, as the scanner reads it
	tok ast.Token // the current token (the lookahead)
	// the text and type of the last token before the end of the file:
	// errors name it, as the goyacc lexer's did
	lastStr  string
	lastType int
	depth    int
	// scratch stacks for the lists being read (nested lists stack up);
	// each finished list is copied out at its exact size
	stmtStack  []ast.Stmt
	exprStack  []ast.Expr
	fieldStack []*ast.Field
	*nodeSlabs
}

// nodeSlabs hold the most common nodes. The unused rest of each slab goes
// to the next parse (nodeSlabsPool), so that no slab is left mostly empty.
type nodeSlabs struct {
	strs   slab[ast.StringExpr]
	idents slab[ast.IdentExpr]
	gets   slab[ast.AttrGetExpr]
	calls  slab[ast.FuncCallExpr]
	fields slab[ast.Field]
}

var nodeSlabsPool = sync.Pool{New: func() any { return new(nodeSlabs) }}

// slab hands out nodes of one type from shared arrays: one allocation for
// many small nodes. Trees are dropped once compiled, so sharing arrays
// between nodes (and between the trees of consecutive parses) keeps memory
// alive only as long as some tree that uses it.
type slab[T any] struct {
	free []T
	n    int
}

func (s *slab[T]) alloc() *T {
	if len(s.free) == 0 {
		s.n = min(max(2*s.n, 8), 256)
		s.free = make([]T, s.n)
	}
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}

func (p *rdParser) stringExpr(value string, line int) *ast.StringExpr {
	e := p.strs.alloc()
	e.Value = value
	e.SetLine(line)
	return e
}

func (p *rdParser) identExpr(value string, line int) *ast.IdentExpr {
	e := p.idents.alloc()
	e.Value = value
	e.SetLine(line)
	return e
}

func (p *rdParser) attrGet(object, key ast.Expr, line int) *ast.AttrGetExpr {
	e := p.gets.alloc()
	e.Object, e.Key = object, key
	e.SetLine(line)
	return e
}

func (p *rdParser) field(key, value ast.Expr) *ast.Field {
	f := p.fields.alloc()
	f.Key, f.Value = key, value
	return f
}

// parseRD parses a chunk with the recursive-descent parser (see Parse).
func parseRD(reader io.Reader, name string) (chunk []ast.Stmt, err error) {
	p := &rdParser{sc: NewScanner(reader, name), nodeSlabs: nodeSlabsPool.Get().(*nodeSlabs)}
	p.lx.PrevTokenType = TNil
	defer func() {
		p.sc.release()
		nodeSlabsPool.Put(p.nodeSlabs)
		if e := recover(); e != nil {
			err, _ = e.(error)
		}
	}()
	p.next()
	stmts := p.block()
	if p.tok.Type != EOF {
		p.syntaxError()
	}
	return stmts, nil
}

// next reads the following token. Like the goyacc lexer, the token named by
// errors stays the last real one once the end of the file is reached.
func (p *rdParser) next() {
	p.lx.PrevTokenType = p.lastType
	if err := p.sc.scan(&p.lx, &p.tok); err != nil {
		panic(err)
	}
	if p.tok.Type >= 0 {
		p.lastType, p.lastStr = p.tok.Type, p.tok.Str
	}
}

func (p *rdParser) fail(msg string) {
	panic(p.sc.Error(p.lastStr, msg))
}

func (p *rdParser) syntaxError() { p.fail("syntax error") }

func (p *rdParser) check(typ int) {
	if p.tok.Type != typ {
		p.syntaxError()
	}
}

// name reads an identifier and returns its token.
func (p *rdParser) name() ast.Token {
	p.check(TIdent)
	t := p.tok
	p.next()
	return t
}

func (p *rdParser) enter() {
	p.depth++
	if p.depth > MaxSyntaxLevels {
		p.fail(fmt.Sprintf("syntax nested deeper than %d levels", MaxSyntaxLevels))
	}
}

func (p *rdParser) leave() { p.depth-- }

func blockFollow(typ int) bool {
	switch typ {
	case TElse, TElseIf, TEnd, TUntil, EOF:
		return true
	}
	return false
}

// block parses statements up to a token that ends a block; the caller
// checks that token.
func (p *rdParser) block() []ast.Stmt {
	base := len(p.stmtStack)
	for {
		switch typ := p.tok.Type; {
		case typ == ';':
			p.next()
			continue
		case blockFollow(typ):
		case typ == TReturn:
			st := p.retstat()
			p.stmtStack = append(p.stmtStack, st)
			if p.tok.Type == ';' {
				p.next()
			}
		default:
			st := p.statement()
			p.stmtStack = append(p.stmtStack, st)
			continue
		}
		stmts := make([]ast.Stmt, len(p.stmtStack)-base)
		copy(stmts, p.stmtStack[base:])
		clear(p.stmtStack[base:])
		p.stmtStack = p.stmtStack[:base]
		return stmts
	}
}

func (p *rdParser) retstat() ast.Stmt {
	st := &ast.ReturnStmt{}
	st.SetLine(p.tok.Pos.Line)
	p.next()
	if !blockFollow(p.tok.Type) && p.tok.Type != ';' {
		st.Exprs = p.exprlist()
	}
	return st
}

func (p *rdParser) statement() ast.Stmt {
	p.enter()
	defer p.leave()
	line := p.tok.Pos.Line
	switch p.tok.Type {
	case TDo:
		p.next()
		st := &ast.DoBlockStmt{Stmts: p.block()}
		p.check(TEnd)
		st.SetLine(line)
		st.SetLastLine(p.tok.Pos.Line)
		p.next()
		return st
	case TWhile:
		p.next()
		cond := p.expr()
		p.check(TDo)
		p.next()
		st := &ast.WhileStmt{Condition: cond, Stmts: p.block()}
		p.check(TEnd)
		st.SetLine(line)
		st.SetLastLine(p.tok.Pos.Line)
		p.next()
		return st
	case TRepeat:
		p.next()
		body := p.block()
		p.check(TUntil)
		p.next()
		cond := p.expr()
		st := &ast.RepeatStmt{Condition: cond, Stmts: body}
		st.SetLine(line)
		st.SetLastLine(cond.Line())
		return st
	case TIf:
		return p.ifstat(line)
	case TFor:
		return p.forstat(line)
	case TFunction:
		p.next()
		fname := p.funcname()
		body := p.funcbody()
		st := &ast.FuncDefStmt{Name: fname, Func: body}
		st.SetLine(line)
		st.SetLastLine(body.LastLine())
		return st
	case TLocal:
		p.next()
		if p.tok.Type == TFunction {
			p.next()
			n := p.name()
			body := p.funcbody()
			st := &ast.LocalAssignStmt{Names: []string{n.Str}, Exprs: []ast.Expr{body}}
			st.SetLine(line)
			st.SetLastLine(body.LastLine())
			return st
		}
		names := p.namelist()
		st := &ast.LocalAssignStmt{Names: names}
		if p.tok.Type == '=' {
			p.next()
			st.Exprs = p.exprlist()
		} else {
			st.Exprs = []ast.Expr{}
		}
		st.SetLine(line)
		return st
	case T2Colon:
		p.next()
		n := p.name()
		p.check(T2Colon)
		p.next()
		st := &ast.LabelStmt{Name: n.Str}
		st.SetLine(line)
		return st
	case TGoto:
		p.next()
		n := p.name()
		st := &ast.GotoStmt{Label: n.Str}
		st.SetLine(line)
		return st
	case TBreak:
		p.next()
		st := &ast.BreakStmt{}
		st.SetLine(line)
		return st
	}
	return p.exprstat()
}

func (p *rdParser) ifstat(line int) ast.Stmt {
	p.next()
	cond := p.expr()
	p.check(TThen)
	p.next()
	st := &ast.IfStmt{Condition: cond, Then: p.block()}
	cur := st
	for p.tok.Type == TElseIf {
		eline := p.tok.Pos.Line
		p.next()
		c := p.expr()
		p.check(TThen)
		p.next()
		ei := &ast.IfStmt{Condition: c, Then: p.block()}
		ei.SetLine(eline)
		cur.Else = []ast.Stmt{ei}
		cur = ei
	}
	if p.tok.Type == TElse {
		p.next()
		cur.Else = p.block()
	}
	p.check(TEnd)
	st.SetLine(line)
	st.SetLastLine(p.tok.Pos.Line)
	p.next()
	return st
}

func (p *rdParser) forstat(line int) ast.Stmt {
	p.next()
	n := p.name()
	if p.tok.Type == '=' {
		p.next()
		st := &ast.NumberForStmt{Name: n.Str}
		st.Init = p.expr()
		p.check(',')
		p.next()
		st.Limit = p.expr()
		if p.tok.Type == ',' {
			p.next()
			st.Step = p.expr()
		}
		p.check(TDo)
		p.next()
		st.Stmts = p.block()
		p.check(TEnd)
		st.SetLine(line)
		st.SetLastLine(p.tok.Pos.Line)
		p.next()
		return st
	}
	names := []string{n.Str}
	for p.tok.Type == ',' {
		p.next()
		names = append(names, p.name().Str)
	}
	p.check(TIn)
	p.next()
	st := &ast.GenericForStmt{Names: names}
	st.Exprs = p.exprlist()
	p.check(TDo)
	p.next()
	st.Stmts = p.block()
	p.check(TEnd)
	st.SetLine(line)
	st.SetLastLine(p.tok.Pos.Line)
	p.next()
	return st
}

func (p *rdParser) namelist() []string {
	names := []string{p.name().Str}
	for p.tok.Type == ',' {
		p.next()
		names = append(names, p.name().Str)
	}
	return names
}

func (p *rdParser) funcname() *ast.FuncName {
	n := p.name()
	fn := &ast.FuncName{Func: p.identExpr(n.Str, n.Pos.Line)}
	for p.tok.Type == '.' {
		p.next()
		k := p.name()
		key := p.stringExpr(k.Str, k.Pos.Line)
		fn = &ast.FuncName{Func: p.attrGet(fn.Func, key, k.Pos.Line)}
	}
	if p.tok.Type == ':' {
		p.next()
		m := p.name()
		fn = &ast.FuncName{Func: nil, Receiver: fn.Func, Method: m.Str}
	}
	return fn
}

// funcbody parses `( parlist ) block end`; the function's line is the
// line of its `(`, as in the grammar.
func (p *rdParser) funcbody() *ast.FunctionExpr {
	p.check('(')
	line := p.tok.Pos.Line
	p.next()
	par := &ast.ParList{HasVargs: false, Names: []string{}}
	switch p.tok.Type {
	case ')':
	case T3Comma:
		par.HasVargs = true
		p.next()
	case TIdent:
		par.Names = append(par.Names, p.tok.Str)
		p.next()
		for p.tok.Type == ',' {
			p.next()
			if p.tok.Type == T3Comma {
				par.HasVargs = true
				p.next()
				break
			}
			par.Names = append(par.Names, p.name().Str)
		}
	default:
		p.syntaxError()
	}
	p.check(')')
	p.next()
	f := &ast.FunctionExpr{ParList: par, Stmts: p.block()}
	p.check(TEnd)
	f.SetLine(line)
	f.SetLastLine(p.tok.Pos.Line)
	p.next()
	return f
}

// exprstat is an assignment or a function call statement.
func (p *rdParser) exprstat() ast.Stmt {
	e, kind := p.suffixedexp()
	if kind == kindVar && (p.tok.Type == '=' || p.tok.Type == ',') {
		lhs := []ast.Expr{e}
		for p.tok.Type == ',' {
			p.next()
			v, k := p.suffixedexp()
			if k != kindVar {
				p.syntaxError()
			}
			lhs = append(lhs, v)
		}
		p.check('=')
		p.next()
		st := &ast.AssignStmt{Lhs: lhs, Rhs: p.exprlist()}
		st.SetLine(lhs[0].Line())
		return st
	}
	if _, ok := e.(*ast.FuncCallExpr); !ok {
		p.fail("parse error")
	}
	st := &ast.FuncCallStmt{Expr: e}
	st.SetLine(e.Line())
	return st
}

func (p *rdParser) exprlist() []ast.Expr {
	e := p.expr()
	if p.tok.Type != ',' {
		return []ast.Expr{e}
	}
	base := len(p.exprStack)
	p.exprStack = append(p.exprStack, e)
	for p.tok.Type == ',' {
		p.next()
		e := p.expr()
		p.exprStack = append(p.exprStack, e)
	}
	list := make([]ast.Expr, len(p.exprStack)-base)
	copy(list, p.exprStack[base:])
	clear(p.exprStack[base:])
	p.exprStack = p.exprStack[:base]
	return list
}

func (p *rdParser) expr() ast.Expr {
	e, _ := p.subexpr(0)
	return e
}

// primaryexp is a name or a parenthesized expression.
func (p *rdParser) primaryexp() (ast.Expr, int) {
	switch p.tok.Type {
	case TIdent:
		e := p.identExpr(p.tok.Str, p.tok.Pos.Line)
		p.next()
		return e, kindVar
	case '(':
		line := p.tok.Pos.Line
		p.next()
		e, kind := p.subexpr(0)
		p.check(')')
		p.next()
		if kind == kindCall {
			// the grammar's afunctioncall: `(f())` keeps one result
			e.(*ast.FuncCallExpr).AdjustRet = true
			return e, kindOther
		}
		if ex, ok := e.(*ast.Comma3Expr); ok {
			ex.AdjustRet = true
		}
		e.SetLine(line)
		return e, kindOther
	}
	p.syntaxError()
	return nil, kindOther
}

func (p *rdParser) suffixedexp() (ast.Expr, int) {
	e, kind := p.primaryexp()
	return p.suffixes(e, kind)
}

// suffixes parses the field accesses, indexes and calls that follow a
// primary expression.
func (p *rdParser) suffixes(e ast.Expr, kind int) (ast.Expr, int) {
	for {
		switch p.tok.Type {
		case '.':
			p.next()
			k := p.name()
			key := p.stringExpr(k.Str, k.Pos.Line)
			e, kind = p.attrGet(e, key, e.Line()), kindVar
		case '[':
			p.next()
			k := p.expr()
			p.check(']')
			p.next()
			e, kind = p.attrGet(e, k, e.Line()), kindVar
		case ':':
			p.next()
			m := p.name()
			args := p.args()
			call := p.calls.alloc()
			call.Method, call.Receiver, call.Args = m.Str, e, args
			call.SetLine(e.Line())
			e, kind = call, kindCall
		case '(', '{', TString:
			args := p.args()
			call := p.calls.alloc()
			call.Func, call.Args = e, args
			call.SetLine(e.Line())
			e, kind = call, kindCall
		default:
			return e, kind
		}
	}
}

func (p *rdParser) args() []ast.Expr {
	switch p.tok.Type {
	case '(':
		p.next()
		if p.tok.Type == ')' {
			p.next()
			return []ast.Expr{}
		}
		list := p.exprlist()
		p.check(')')
		p.next()
		return list
	case '{':
		return []ast.Expr{p.constructor()}
	case TString:
		s := p.stringExpr(p.tok.Str, p.tok.Pos.Line)
		p.next()
		return []ast.Expr{s}
	}
	p.syntaxError()
	return nil
}

func (p *rdParser) constructor() ast.Expr {
	p.enter()
	defer p.leave()
	tbl := &ast.TableExpr{}
	tbl.SetLine(p.tok.Pos.Line)
	p.next()
	base := len(p.fieldStack)
	for p.tok.Type != '}' {
		f := p.tableField()
		p.fieldStack = append(p.fieldStack, f)
		if p.tok.Type != ',' && p.tok.Type != ';' {
			break
		}
		// the grammar allows a run of separators after a field: {1,,2}
		for p.tok.Type == ',' || p.tok.Type == ';' {
			p.next()
		}
	}
	p.check('}')
	p.next()
	tbl.Fields = make([]*ast.Field, len(p.fieldStack)-base)
	copy(tbl.Fields, p.fieldStack[base:])
	clear(p.fieldStack[base:])
	p.fieldStack = p.fieldStack[:base]
	return tbl
}

func (p *rdParser) tableField() *ast.Field {
	switch p.tok.Type {
	case TIdent:
		n := p.tok
		p.next()
		if p.tok.Type == '=' {
			p.next()
			key := p.stringExpr(n.Str, n.Pos.Line)
			return p.field(key, p.expr())
		}
		// an expression that starts with this name
		e, kind := p.suffixes(p.identExpr(n.Str, n.Pos.Line), kindVar)
		e, _ = p.binops(e, kind, 0)
		return p.field(nil, e)
	case '[':
		p.next()
		k := p.expr()
		p.check(']')
		p.next()
		p.check('=')
		p.next()
		return p.field(k, p.expr())
	}
	return p.field(nil, p.expr())
}

func (p *rdParser) simpleexp() (ast.Expr, int) {
	var e ast.Expr
	switch p.tok.Type {
	case TNil:
		e = &ast.NilExpr{}
	case TFalse:
		e = &ast.FalseExpr{}
	case TTrue:
		e = &ast.TrueExpr{}
	case TNumber:
		e = &ast.NumberExpr{Value: p.tok.Str}
	case TString:
		e = p.stringExpr(p.tok.Str, 0)
	case T3Comma:
		e = &ast.Comma3Expr{}
	case '{':
		return p.constructor(), kindOther
	case TFunction:
		line := p.tok.Pos.Line
		p.next()
		body := p.funcbody()
		f := &ast.FunctionExpr{ParList: body.ParList, Stmts: body.Stmts}
		f.SetLine(line)
		f.SetLastLine(body.LastLine())
		return f, kindOther
	default:
		return p.suffixedexp()
	}
	e.SetLine(p.tok.Pos.Line)
	p.next()
	return e, kindOther
}

// binary operator priorities (left, right), Lua 5.3's
func binaryPriority(typ int) (left, right int) {
	switch typ {
	case TOr:
		return 1, 1
	case TAnd:
		return 2, 2
	case '<', '>', TLte, TGte, TNeq, TEqeq:
		return 3, 3
	case '|':
		return 4, 4
	case '~':
		return 5, 5
	case '&':
		return 6, 6
	case TShl, TShr:
		return 7, 7
	case T2Comma:
		return 9, 8 // right associative
	case '+', '-':
		return 10, 10
	case '*', '/', TIDiv, '%':
		return 11, 11
	case '^':
		return 14, 13 // right associative
	}
	return 0, 0
}

const unaryPriority = 12

func isUnary(typ int) bool {
	return typ == '-' || typ == TNot || typ == '#' || typ == '~'
}

// subexpr parses an expression whose binary operators bind tighter than
// limit. It also reports whether the expression is a bare call or variable.
func (p *rdParser) subexpr(limit int) (ast.Expr, int) {
	p.enter()
	defer p.leave()
	var e ast.Expr
	kind := kindOther
	if isUnary(p.tok.Type) {
		// a chain of unary operators, read without recursion
		var opsBuf [8]int
		ops := opsBuf[:0]
		for isUnary(p.tok.Type) {
			ops = append(ops, p.tok.Type)
			p.next()
		}
		e, kind = p.simpleexp()
		e, _ = p.binops(e, kind, unaryPriority)
		for i := len(ops) - 1; i >= 0; i-- {
			e = unaryNode(ops[i], e)
		}
		kind = kindOther
	} else {
		e, kind = p.simpleexp()
	}
	return p.binops(e, kind, limit)
}

func unaryNode(op int, operand ast.Expr) ast.Expr {
	var e ast.Expr
	switch op {
	case '-':
		e = &ast.UnaryMinusOpExpr{Expr: operand}
	case TNot:
		e = &ast.UnaryNotOpExpr{Expr: operand}
	case '#':
		e = &ast.UnaryLenOpExpr{Expr: operand}
	default:
		e = &ast.UnaryBNotOpExpr{Expr: operand}
	}
	e.SetLine(operand.Line())
	return e
}

// binops applies the binary operators that bind tighter than limit to lhs.
func (p *rdParser) binops(lhs ast.Expr, kind int, limit int) (ast.Expr, int) {
	for {
		op := p.tok.Type
		left, right := binaryPriority(op)
		if left <= limit {
			return lhs, kind
		}
		kind = kindOther
		if left == right {
			p.next()
			rhs, _ := p.subexpr(right)
			lhs = binaryNode(op, lhs, rhs)
			continue
		}
		// right associative: read the whole chain of this operator without
		// recursion, then group it from the right
		var buf [8]ast.Expr
		operands := append(buf[:0], lhs)
		for p.tok.Type == op {
			p.next()
			rhs, _ := p.subexpr(left)
			operands = append(operands, rhs)
		}
		e := operands[len(operands)-1]
		for i := len(operands) - 2; i >= 0; i-- {
			e = binaryNode(op, operands[i], e)
		}
		lhs = e
	}
}

func binaryNode(op int, lhs, rhs ast.Expr) ast.Expr {
	var e ast.Expr
	switch op {
	case TOr:
		e = &ast.LogicalOpExpr{Lhs: lhs, Operator: "or", Rhs: rhs}
	case TAnd:
		e = &ast.LogicalOpExpr{Lhs: lhs, Operator: "and", Rhs: rhs}
	case '>':
		e = &ast.RelationalOpExpr{Lhs: lhs, Operator: ">", Rhs: rhs}
	case '<':
		e = &ast.RelationalOpExpr{Lhs: lhs, Operator: "<", Rhs: rhs}
	case TGte:
		e = &ast.RelationalOpExpr{Lhs: lhs, Operator: ">=", Rhs: rhs}
	case TLte:
		e = &ast.RelationalOpExpr{Lhs: lhs, Operator: "<=", Rhs: rhs}
	case TEqeq:
		e = &ast.RelationalOpExpr{Lhs: lhs, Operator: "==", Rhs: rhs}
	case TNeq:
		e = &ast.RelationalOpExpr{Lhs: lhs, Operator: "~=", Rhs: rhs}
	case T2Comma:
		e = &ast.StringConcatOpExpr{Lhs: lhs, Rhs: rhs}
	default:
		e = &ast.ArithmeticOpExpr{Lhs: lhs, Operator: arithOp(op), Rhs: rhs}
	}
	e.SetLine(lhs.Line())
	return e
}

func arithOp(op int) string {
	switch op {
	case '+':
		return "+"
	case '-':
		return "-"
	case '*':
		return "*"
	case '/':
		return "/"
	case '%':
		return "%"
	case '^':
		return "^"
	case '&':
		return "&"
	case '|':
		return "|"
	case '~':
		return "~"
	case TShl:
		return "<<"
	case TShr:
		return ">>"
	case TIDiv:
		return "//"
	}
	panic("parse: unknown operator")
}

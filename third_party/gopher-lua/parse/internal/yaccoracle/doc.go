// Package yaccoracle is gopher-lua's former goyacc parser (parser.go.y,
// generated parser.go) and its lexer, as they were when the hand-written
// parser replaced them (modscope). Only the parse package's tests import
// it: they check that the new parser builds the same trees and reports the
// same errors. Regenerate parser.go with `goyacc -o parser.go parser.go.y`.
package yaccoracle

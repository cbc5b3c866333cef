package lpattern

import (
	"context"
	"testing"
	"time"
)

// FuzzLuaPattern runs the bounded matcher on arbitrary
// subjects and patterns: it must never panic (a malformed pattern is an
// error), every match must lie inside the subject with captures inside the
// match's reach, and a deadline must stop it.
func FuzzLuaPattern(f *testing.F) {
	for _, s := range [][2]string{
		{"hello world", "(%w+) (%w+)"}, {"aaab", "a-b"}, {"x(a(b)c)y", "%b()"}, {"THE (quick) fox", "%f[%a]%a+"},
		{"alo", "(.)%1"}, {"abc", "[^%a-c]"}, {"a]b", "[]]"}, {"", "^$"}, {"aaaaaaaaaaaaaaaaaaaaaa", ".-.-.-.-b"},
		{"abc", "%"}, {"abc", "[a"}, {"abc", "(()"}, {"abc", "%b"}, {"abc", "%f"}, {"abc", "(a)%2"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, src, pat string) {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		m := New(ctx, src, pat)
		for s := 0; s <= len(src); s++ {
			e, err := m.Find(s, 0)
			if err != nil {
				return // malformed, too complex or stopped: all are errors, not panics
			}
			if e == -1 {
				continue
			}
			if e < s || e > len(src) {
				t.Fatalf("match at %d ends at %d, outside [%d, %d]", s, e, s, len(src))
			}
			caps, err := m.Captures(s, e, true)
			if err != nil {
				continue
			}
			for _, c := range caps {
				if c.IsPos && (c.Pos < 1 || c.Pos > len(src)+1) {
					t.Fatalf("position capture %d outside the subject", c.Pos)
				}
			}
		}
		if el := time.Since(start); el > 10*time.Second {
			t.Fatalf("matching took %v despite a 500 ms deadline", el)
		}
	})
}

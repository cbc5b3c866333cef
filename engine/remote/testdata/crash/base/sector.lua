-- crash fixture: every sector loads this first.
here = true

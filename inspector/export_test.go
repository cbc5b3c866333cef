package inspector

// UpdateGoldens tells the external golden tests (golden_test.go, package
// inspector_test) whether -update was given: the flag is declared once, in
// inspector_test.go, since both packages build into one test binary.
func UpdateGoldens() bool { return *update }

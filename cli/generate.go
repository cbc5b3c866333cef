package cli

//go:generate go run ./internal/genversion ../FyneApp.toml version.go
